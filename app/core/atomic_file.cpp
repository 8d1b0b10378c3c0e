#include "atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace lkp {

void write_file_atomically(const std::string& path, const std::string& content, bool durable) {
    std::string tmp = path + ".tmp";
    auto fail = [&](const char* what) {
        std::string msg = path + ": cannot " + what + ": " + std::strerror(errno);
        ::unlink(tmp.c_str());
        throw std::runtime_error(msg);
    };
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("create temporary file");
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            fail("write");
        }
        done += static_cast<size_t>(n);
    }
    if (durable && ::fsync(fd) != 0) {
        ::close(fd);
        fail("flush to disk");
    }
    if (::close(fd) != 0) fail("close");
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("replace");
}

}  // namespace lkp
