#include "partial_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace lkp::tables {

PartialFile::PartialFile(std::string path) : path_(std::move(path)) {
    // O_EXCL with a random suffix, as mkstemp does, but with mode 0666 so that the umask decides
    // the final file's permissions like for any file the user creates (mkstemp makes 0600).
    static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device random;
    std::uniform_int_distribution<std::size_t> pick(0, sizeof letters - 2);
    buffer_.reserve(kBufferBytes + (64 << 10));
    for (int attempt = 0; attempt < 100; ++attempt) {
        partial_ = path_ + ".partial-";
        for (int i = 0; i < 6; ++i) partial_ += letters[pick(random)];
        fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd_ >= 0 || errno != EEXIST) break;
    }
    if (fd_ < 0) fail("create the file");
}

PartialFile::~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(partial_.c_str());
}

std::string PartialFile::folder() const {
    auto slash = path_.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path_.substr(0, slash);
}

void PartialFile::flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
        ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;
            fail("write");
        }
        done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
}

void PartialFile::commit() {
    flush();
    if (::fsync(fd_) != 0) fail("write (while flushing to disk)");
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("write (while closing)");
    if (::rename(partial_.c_str(), path_.c_str()) != 0) fail("rename " + partial_ + " to it");
    committed_ = true;
    // The rename itself reaches the disk with the folder's next sync; ask for it now. Some
    // file systems cannot sync a folder (EINVAL): the file's own data is on disk all the same.
    int dir = ::open(folder().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) fail("open its folder to flush it to disk (the file itself is complete)");
    if (::fsync(dir) != 0 && errno != EINVAL) {
        int saved = errno;
        ::close(dir);
        errno = saved;
        fail("flush its folder to disk (the file itself is complete)");
    }
    ::close(dir);
}

void PartialFile::fail(std::string_view what) const {
    throw std::runtime_error(path_ + ": cannot " + std::string(what) + ": " + std::strerror(errno));
}

}  // namespace lkp::tables
