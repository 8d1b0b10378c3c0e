// Raw connections, swarms, memory samples and neighbour probes for the hostile-client suite.
#include "raw_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "kiosk_db/kiosk_database.h"
#include "store_fixture.h"

// Linux 4.2's option, which glibc's <netinet/in.h> does not name (and <linux/in.h> clashes with it).
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace lkp::test {

namespace {

using namespace std::chrono_literals;

Millis since(Clock::time_point t) { return std::chrono::duration_cast<Millis>(Clock::now() - t); }

int poll_ms(Millis m) { return static_cast<int>(std::clamp<Millis::rep>(m.count(), 0, 60'000)); }

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A non-blocking socket bound to `from` and connecting to 127.0.0.1:port; -1 when the system refuses.
int start_connect(int port, const std::string& from) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    // The source port is chosen at connect(), by the whole address pair: thousands of attack
    // connections do not run out of ports of 127.0.0.2.
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    if (::inet_pton(AF_INET, from.c_str(), &src.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
        ::close(fd);
        return -1;
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool connect_succeeded(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
}

// The status of a status line at the start of `bytes` once it is complete; 0 before, -1 when
// the bytes are no HTTP response.
int status_line(std::string_view bytes) {
    std::size_t eol = bytes.find("\r\n");
    if (eol == std::string_view::npos) return 0;
    std::string_view line = bytes.substr(0, eol);
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') return -1;
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9') return -1;
        status = status * 10 + (line[i] - '0');
    }
    return status;
}

}  // namespace

// ---- HTTP/1.1 as bytes

std::string http_request(const std::string& method, const std::string& target, const HeaderList& headers,
                         const std::string& body) {
    std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    bool has_length = false;
    for (const auto& [name, value] : headers) {
        out += name + ": " + value + "\r\n";
        has_length = has_length || lower(name) == "content-length";
    }
    if (!body.empty() && !has_length) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

std::string HttpResponse::header(const std::string& name) const {
    for (const auto& [n, v] : headers)
        if (lower(n) == lower(name)) return v;
    return "";
}

ParsedResponses parse_responses(std::string_view bytes, bool at_eof) {
    ParsedResponses out;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::string_view rest = bytes.substr(pos);
        std::size_t end = rest.find("\r\n\r\n");
        int status = status_line(rest);
        if (end == std::string_view::npos || status <= 0) break;
        HttpResponse r;
        r.status = status;
        std::string_view head = rest.substr(0, end);
        for (std::size_t line = head.find("\r\n"); line != std::string_view::npos;) {
            std::size_t next = head.find("\r\n", line + 2);
            std::string_view h = head.substr(line + 2, next == std::string_view::npos ? head.npos : next - line - 2);
            std::size_t colon = h.find(':');
            if (colon != std::string_view::npos) {
                std::string_view v = h.substr(colon + 1);
                while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
                r.headers.emplace_back(std::string(h.substr(0, colon)), std::string(v));
            }
            line = next;
        }
        std::size_t body_at = end + 4;
        std::string length = r.header("Content-Length");
        std::size_t used = 0;
        if (lower(r.header("Transfer-Encoding")).find("chunked") != std::string::npos) {
            std::size_t at = body_at;
            bool whole = false;
            for (;;) {
                std::size_t eol = rest.find("\r\n", at);
                if (eol == std::string_view::npos) break;
                std::size_t size = std::stoul(std::string(rest.substr(at, eol - at)), nullptr, 16);
                if (size == 0) {
                    std::size_t trailer_end = rest.find("\r\n", eol + 2);
                    if (trailer_end == std::string_view::npos) break;
                    used = trailer_end + 2;
                    whole = true;
                    break;
                }
                if (rest.size() < eol + 2 + size + 2) break;
                r.body.append(rest.substr(eol + 2, size));
                at = eol + 2 + size + 2;
            }
            if (!whole) break;
        } else if (!length.empty()) {
            std::size_t n = std::stoul(length);
            if (rest.size() < body_at + n) break;
            r.body = std::string(rest.substr(body_at, n));
            used = body_at + n;
        } else if (status < 200 || status == 204 || status == 304) {
            used = body_at;
        } else if (at_eof) {
            r.body = std::string(rest.substr(body_at));
            used = rest.size();
        } else {
            break;
        }
        out.responses.push_back(std::move(r));
        pos += used;
    }
    out.rest = std::string(bytes.substr(pos));
    return out;
}

// ---- One raw connection

RawConnection::RawConnection(int port, const std::string& from, Millis limit) {
    int fd = start_connect(port, from);
    if (fd < 0) return;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, poll_ms(limit)) != 1 || !connect_succeeded(fd)) {
        ::close(fd);
        return;
    }
    fd_ = fd;
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), in_(std::move(other.in_)), closed_(other.closed_), reset_(other.reset_) {}

std::size_t RawConnection::send(std::string_view data, Millis stall) {
    std::size_t sent = 0;
    while (fd_ >= 0 && !closed_ && sent < data.size()) {
        ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            read_available();  // what the store answered before it closed
            closed_ = true;
            reset_ = reset_ || errno == ECONNRESET;
            break;
        }
        pollfd p{fd_, POLLOUT | POLLIN, 0};
        if (::poll(&p, 1, poll_ms(stall)) == 0) break;  // no byte moved for `stall`
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) read_available();
    }
    return sent;
}

bool RawConnection::read_once(Millis wait) {
    if (fd_ < 0 || closed_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, poll_ms(wait)) != 1) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
        in_.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
        closed_ = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        closed_ = true;
        reset_ = errno == ECONNRESET;
    }
    return !closed_;
}

void RawConnection::read_available() {
    while (read_once(Millis(0))) {
    }
}

bool RawConnection::read_until(const std::function<bool(const std::string&)>& done, Millis limit) {
    auto deadline = Clock::now() + limit;
    while (!done(in_)) {
        if (fd_ < 0 || closed_ || Clock::now() >= deadline) return done(in_);
        read_once(std::chrono::duration_cast<Millis>(deadline - Clock::now()) + 1ms);
    }
    return true;
}

bool RawConnection::read_until_closed(Millis limit) {
    read_until([this](const std::string&) { return closed_; }, limit);
    return closed_;
}

bool RawConnection::read_responses(std::size_t n, Millis limit) {
    return read_until([&](const std::string& in) { return parse_responses(in, closed_).responses.size() >= n; }, limit);
}

std::optional<HttpResponse> exchange(int port, const std::string& request, const std::string& from, Millis limit) {
    auto deadline = Clock::now() + limit;
    RawConnection c(port, from, limit);
    if (!c.connected()) return std::nullopt;
    c.send(request, limit);
    if (!c.read_responses(1, std::chrono::duration_cast<Millis>(deadline - Clock::now()))) return std::nullopt;
    return c.responses().responses.front();
}

// ---- Many slow connections at once

std::set<Peer> store_peers(int port, std::size_t& accept_queue) {
    std::set<Peer> peers;
    accept_queue = 0;
    // A store listening on an IPv6 socket sees IPv4 clients as ::ffff:a.b.c.d, in tcp6.
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // the column names
        while (std::getline(in, line)) {
            // "  sl  local_address rem_address   st tx_queue:rx_queue ...": an address is its raw
            // (network order) 32-bit words in hex, the port and the rest in hex
            std::istringstream fields(line);
            std::string sl, local, remote, state, queues;
            fields >> sl >> local >> remote >> state >> queues;
            std::size_t lcolon = local.find(':'), rcolon = remote.find(':');
            // The store's end is 127.0.0.1:port (plain, or IPv4-mapped in tcp6; a listener may be on any address)
            std::string address = lcolon < 8 ? "" : local.substr(lcolon - 8, 8);
            if (rcolon < 8 || (address != "0100007F" && !(state == "0A" && address == "00000000")) ||
                std::stoi(local.substr(lcolon + 1), nullptr, 16) != port)
                continue;
            if (state == "0A")  // LISTEN: rx_queue is the length of the accept queue
                accept_queue += std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);
            else if (state == "03")  // SYN_RECV: the handshake is not complete
                ++accept_queue;
            else
                peers.insert({static_cast<std::uint32_t>(std::stoul(remote.substr(rcolon - 8, 8), nullptr, 16)),
                              static_cast<std::uint16_t>(std::stoul(remote.substr(rcolon + 1), nullptr, 16))});
        }
    }
    return peers;
}

struct Swarm::Conn {
    enum class State { Waiting, Connecting, Open, Done };
    int group = 0;
    State state = State::Waiting;
    int fd = -1;
    Clock::time_point due;      // Waiting: when to connect; Open: when the next drip byte goes
    Clock::time_point started;  // when connect() was called
    bool confirmed = false;     // the store's side of the connection exists
    Peer self{};                // this end's address and port, as the store sees them
    std::size_t dripped = 0;
    std::size_t session = 0;
    std::string head;      // the first bytes of the answer, enough for its status line
    bool settled = false;  // confirmed, refused or closed at least once
};

Swarm::Swarm(int port, std::vector<SwarmGroup> groups)
    : port_(port), groups_(std::move(groups)), sessions_(groups_.size()) {
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

Swarm::~Swarm() { stop(); }

void Swarm::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
}

bool Swarm::wait_established(Millis limit) {
    std::unique_lock lock(mutex_);
    return wake_.wait_for(lock, limit, [&] { return established_; });
}

std::vector<SwarmSession> Swarm::sessions(int group) const {
    std::lock_guard lock(mutex_);
    return sessions_.at(static_cast<std::size_t>(group));
}

std::size_t Swarm::open_connections() const {
    std::lock_guard lock(mutex_);
    return open_;
}

std::string Swarm::summary() const {
    std::lock_guard lock(mutex_);
    std::string out = std::to_string(open_) + " open now;";
    for (std::size_t g = 0; g < sessions_.size(); ++g) {
        std::map<int, int> statuses;
        int closed = 0, refused = 0;
        for (const SwarmSession& s : sessions_[g]) {
            if (s.answered_after) ++statuses[s.status];
            closed += s.closed_after ? 1 : 0;
            refused += s.refused ? 1 : 0;
        }
        out += " group " + std::to_string(g) + ": " + std::to_string(sessions_[g].size()) + " connections, " +
               std::to_string(closed) + " closed by the store, " + std::to_string(refused) + " refused";
        for (const auto& [status, n] : statuses)
            out += ", " + std::to_string(n) + " answered " + std::to_string(status);
        out += ";";
    }
    return out;
}

// A burst of connections overflows a small listen backlog (cpp-httplib's is 5): the kernel then
// answers with SYN cookies and drops the handshake's last ACK, leaving connections that are open
// on the client's side only, which would make the attack weaker than it looks. So the swarm
// connects a few at a time, and counts a connection only once the store's side of it exists.
void Swarm::run(std::stop_token stop) {
    constexpr std::size_t kAtOnce = 4;         // connections not yet confirmed, queued ones included
    constexpr Millis kConfirmWithin = 1000ms;  // else the handshake was lost: connect again later
    std::vector<Conn> conns;
    for (std::size_t g = 0; g < groups_.size(); ++g)
        for (int i = 0; i < groups_[g].count; ++i)
            conns.push_back(Conn{.group = static_cast<int>(g), .due = Clock::now()});

    auto group_of = [&](const Conn& c) -> const SwarmGroup& { return groups_[static_cast<std::size_t>(c.group)]; };
    auto session_of = [&](const Conn& c) -> SwarmSession& {
        return sessions_[static_cast<std::size_t>(c.group)][c.session];
    };
    // Ends a connection; the next one of its slot starts a tick later (or never).
    auto end = [&](Conn& c, bool by_store, bool refused) {
        std::lock_guard lock(mutex_);
        if (c.state == Conn::State::Open) {
            if (by_store) session_of(c).closed_after = since(session_of(c).opened);
            if (refused) session_of(c).refused = true;
            --open_;
        } else if (refused) {
            sessions_[static_cast<std::size_t>(c.group)].push_back(
                SwarmSession{.opened = Clock::now(), .refused = true});
        }
        if (c.fd >= 0) ::close(c.fd);
        c.fd = -1;
        c.settled = true;
        c.confirmed = false;
        c.state = group_of(c).reconnect ? Conn::State::Waiting : Conn::State::Done;
        c.due = Clock::now() + group_of(c).tick;
    };
    auto pending = [](const Conn& c) {
        return c.state == Conn::State::Connecting || (c.state == Conn::State::Open && !c.confirmed);
    };

    std::vector<pollfd> fds;
    std::vector<Conn*> polled;
    while (!stop.stop_requested()) {
        auto now = Clock::now();
        bool ramping = std::any_of(conns.begin(), conns.end(), [&](const Conn& c) {
            return pending(c) || (c.state == Conn::State::Waiting && now >= c.due);
        });
        std::size_t in_progress = 0;
        if (ramping) {
            std::size_t queued = 0;
            std::set<Peer> peers = store_peers(port_, queued);
            in_progress = queued;
            for (Conn& c : conns) {
                if (c.state == Conn::State::Open && !c.confirmed && peers.count(c.self)) c.confirmed = c.settled = true;
                if (pending(c) && now - c.started > kConfirmWithin) end(c, false, true);
                if (pending(c)) ++in_progress;
            }
        }
        Clock::time_point next = now + (ramping ? 5ms : 50ms);
        for (Conn& c : conns) {
            const SwarmGroup& g = group_of(c);
            if (c.state == Conn::State::Waiting && now >= c.due && in_progress < kAtOnce) {
                c.fd = start_connect(port_, g.from);
                c.started = now;
                if (c.fd < 0) {
                    end(c, false, true);
                    continue;
                }
                sockaddr_in self{};
                socklen_t len = sizeof self;
                ::getsockname(c.fd, reinterpret_cast<sockaddr*>(&self), &len);
                c.self = {self.sin_addr.s_addr, ntohs(self.sin_port)};
                c.state = Conn::State::Connecting;
                ++in_progress;
            } else if (c.state == Conn::State::Open && now >= c.due) {
                if (c.dripped < g.drip.size() &&
                    ::send(c.fd, g.drip.data() + c.dripped, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
                    ++c.dripped;
                c.due = now + g.tick;
            }
            if (c.state == Conn::State::Open || c.state == Conn::State::Waiting) next = std::min(next, c.due);
        }
        {
            std::lock_guard lock(mutex_);
            if (!established_ && std::all_of(conns.begin(), conns.end(), [](const Conn& c) { return c.settled; })) {
                established_ = true;
                wake_.notify_all();
            }
        }

        fds.clear();
        polled.clear();
        for (Conn& c : conns) {
            if (c.state == Conn::State::Connecting)
                fds.push_back({c.fd, POLLOUT, 0});
            else if (c.state == Conn::State::Open)
                fds.push_back({c.fd, POLLIN, 0});
            else
                continue;
            polled.push_back(&c);
        }
        ::poll(fds.data(), fds.size(), poll_ms(std::chrono::duration_cast<Millis>(next - Clock::now())));

        for (std::size_t i = 0; i < fds.size(); ++i) {
            Conn& c = *polled[i];
            const SwarmGroup& g = group_of(c);
            if (!fds[i].revents) continue;
            if (c.state == Conn::State::Connecting) {
                if (!connect_succeeded(c.fd)) {
                    end(c, false, true);
                    continue;
                }
                ::send(c.fd, g.opening.data(), g.opening.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
                std::lock_guard lock(mutex_);
                auto& list = sessions_[static_cast<std::size_t>(c.group)];
                list.push_back(SwarmSession{.opened = Clock::now()});
                c.session = list.size() - 1;
                c.state = Conn::State::Open;
                c.dripped = 0;
                c.head.clear();
                c.due = Clock::now() + g.tick;
                ++open_;
                continue;
            }
            char buf[16384];
            ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                if (c.head.size() < 4096) c.head.append(buf, static_cast<std::size_t>(n));
                std::lock_guard lock(mutex_);
                SwarmSession& s = session_of(c);
                int status = status_line(c.head);
                if (status != 0 && !s.answered_after) {
                    s.answered_after = since(s.opened);
                    s.status = status;
                }
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                end(c, true, false);
            }
        }
    }
    for (Conn& c : conns)
        if (c.fd >= 0) ::close(c.fd);
    std::lock_guard lock(mutex_);
    open_ = 0;
}

Repeat::Repeat(std::function<void()> body)
    : thread_([this, body = std::move(body)](std::stop_token stop) {
          while (!stop.stop_requested()) {
              body();
              ++rounds_;
          }
      }) {}

void Repeat::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
}

// ---- The store's memory

MemorySampler::MemorySampler(pid_t pid, Millis every)
    : pid_(pid), thread_([this, every](std::stop_token stop) {
          while (!stop.stop_requested()) {
              if (auto kb = status_kb(pid_, "VmRSS")) peak_ = std::max(peak_.load(), *kb);
              std::this_thread::sleep_for(every);
          }
      }) {}

MemorySampler::~MemorySampler() {
    thread_.request_stop();
    thread_.join();
}

std::optional<std::size_t> MemorySampler::status_kb(pid_t pid, const char* field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line, prefix = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0) return std::stoul(line.substr(prefix.size()));
    return std::nullopt;  // gone, or a zombie (which has no memory lines)
}

// ---- The neighbours an attack must not hurt

ProbeResult probe_health(int port, Millis limit) {
    auto start = Clock::now();
    RawConnection c(port, kNeighbour, limit);
    ProbeResult r;
    if (!c.connected()) {
        r.took = since(start);
        r.what = "GET /v1/health: no connection within " + std::to_string(limit.count()) + " ms";
        return r;
    }
    c.send(http_request("GET", "/v1/health", {{"Connection", "close"}}), limit);
    bool answered = c.read_responses(1, std::max(Millis(0), limit - since(start)));
    r.took = since(start);
    if (!answered) {
        r.what = "GET /v1/health: no answer within " + std::to_string(limit.count()) + " ms" +
                 (c.closed() ? " (closed by the store)" : "");
        return r;
    }
    int status = c.responses().responses.front().status;
    r.ok = status == 200 && r.took <= limit;
    if (!r.ok) r.what = "GET /v1/health answered " + std::to_string(status);
    return r;
}

RealKiosk::RealKiosk(StoreServer& store, std::string name) : store_(store), name_(std::move(name)) {
    write_file(dir_.file("token"), store_.add_kiosk(name_) + "\n");
    ::chmod(dir_.file("token").c_str(), 0600);
}

ProbeResult RealKiosk::deliver(Millis limit) {
    Response answer = valid_response(name_, ++seq_);
    {
        auto db = KioskDatabase::open(dir_.file("kiosk"));
        db.save(answer);
    }
    TimedRun run = run_with_limit(
        {LKP_KIOSK_BIN, "sync", "--once", "--data-dir", dir_.file("kiosk"), "--store-url", store_.url(), "--token-file",
         dir_.file("token"), "--timeout", std::to_string((limit.count() + 999) / 1000), "--max-failures", "1"},
        limit);
    ProbeResult r{.took = run.took};
    if (!run.finished) {
        r.what = "lkp-kiosk sync --once did not finish within " + std::to_string(limit.count()) + " ms";
        return r;
    }
    if (run.exit_code != 0) {
        r.what = "lkp-kiosk sync --once exited " + std::to_string(run.exit_code) + ": " + run.err;
        return r;
    }
    auto ids = store_.response_ids(name_);
    r.ok = std::find(ids.begin(), ids.end(), answer.id) != ids.end();
    if (!r.ok) r.what = "the store does not hold the answer the kiosk sent";
    return r;
}

TimedRun run_with_limit(const std::vector<std::string>& argv, Millis limit) {
    TempDir out;
    std::string out_path = out.file("out"), err_path = out.file("err");
    auto start = Clock::now();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(o, 1);
        ::dup2(e, 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    TimedRun r;
    int status = 0;
    r.finished = eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, limit);
    r.took = since(start);
    if (!r.finished) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

bool eventually(const std::function<bool()>& done, Millis limit) {
    for (auto until = Clock::now() + limit; Clock::now() < until; std::this_thread::sleep_for(5ms))
        if (done()) return true;
    return done();
}

bool has_control_bytes(std::string_view text) {
    for (unsigned char c : text)
        if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
    return text.find("\u202e") != std::string_view::npos;
}

}  // namespace lkp::test
