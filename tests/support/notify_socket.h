#pragma once
// systemd's side of sd_notify for tests: an AF_UNIX datagram socket to put in NOTIFY_SOCKET,
// named after the test and this process, removed again at the end.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace lkp::test {

class NotifySocket {
  public:
    explicit NotifySocket(const std::string& name)
        : path_("/tmp/lkp-" + name + "-" + std::to_string(getpid()) + ".sock") {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        path_.copy(a.sun_path, sizeof a.sun_path - 1);
        unlink(path_.c_str());
        if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind " + path_);
    }
    ~NotifySocket() {
        close(fd_);
        unlink(path_.c_str());
    }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::string& path() const { return path_; }
    // The next datagram, or "" when none comes within `limit`.
    std::string next(std::chrono::milliseconds limit = std::chrono::milliseconds(200)) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(limit.count())) != 1) return "";
        char buf[256];
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
    }

  private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace lkp::test
