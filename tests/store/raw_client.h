#pragma once
// The hostile client's tools: raw TCP connections from a chosen loopback address (an attacker is
// 127.0.0.2, a kiosk and the health probe 127.0.0.1: to the store these are two machines), many
// slow connections at once, the store's memory sampled from /proc, and the neighbours' probes
// that must be answered in time while an attack runs.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

inline constexpr const char* kAttacker = "127.0.0.2";   // another machine, to the store
inline constexpr const char* kNeighbour = "127.0.0.1";  // the real kiosk and the health probe

// ---- HTTP/1.1 as bytes

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request as it goes on the wire: Host is added; Content-Length too when there is a body and
// `headers` does not give one (so a test can declare a length it does not send).
std::string http_request(const std::string& method, const std::string& target, const HeaderList& headers = {},
                         const std::string& body = "");

struct HttpResponse {
    int status = 0;
    HeaderList headers;
    std::string body;
    std::string header(const std::string& name) const;  // "" when absent; the name in any case
};

// The complete responses at the start of `bytes`, in order. `rest` is what follows the last one
// (an incomplete response, or bytes that are no response at all).
struct ParsedResponses {
    std::vector<HttpResponse> responses;
    std::string rest;
};
// `at_eof`: the connection is closed, so a response without a length ends with the bytes.
ParsedResponses parse_responses(std::string_view bytes, bool at_eof);

// ---- One raw connection

class RawConnection {
  public:
    // Connects from `from` (port chosen by the system) to 127.0.0.1:port, waiting at most `limit`.
    // !connected() when refused or timed out.
    RawConnection(int port, const std::string& from = kAttacker, Millis limit = Millis(3000));
    ~RawConnection();
    RawConnection(RawConnection&& other) noexcept;
    RawConnection& operator=(RawConnection&&) = delete;
    RawConnection(const RawConnection&) = delete;

    bool connected() const { return fd_ >= 0; }
    // Sends `data` until all is sent, the store closes or resets the connection, or no byte moves
    // for `stall`. Returns how much was sent; anything the store answered meanwhile is kept.
    std::size_t send(std::string_view data, Millis stall = Millis(3000));
    // Reads until `done(received())` holds, the store closes the connection, or `limit` passes.
    // True when `done` came true.
    bool read_until(const std::function<bool(const std::string&)>& done, Millis limit);
    // Reads until the store closes the connection (true) or `limit` passes (false).
    bool read_until_closed(Millis limit);
    // Reads until `n` complete responses came (true), the connection closed, or `limit` passed.
    bool read_responses(std::size_t n, Millis limit);
    // Takes what has already arrived, without waiting.
    void read_available();

    const std::string& received() const { return in_; }
    bool closed() const { return closed_; }  // by the store: EOF or reset
    bool reset() const { return reset_; }
    ParsedResponses responses() const { return parse_responses(in_, closed_); }
    int fd() const { return fd_; }

  private:
    bool read_once(Millis wait);  // false when nothing more can come (closed) or the wait passed
    int fd_ = -1;
    std::string in_;
    bool closed_ = false, reset_ = false;
};

// One request on a fresh connection: the first response, or nullopt when none came whole within `limit`.
std::optional<HttpResponse> exchange(int port, const std::string& request, const std::string& from = kAttacker,
                                     Millis limit = Millis(5000));

// ---- Many slow connections at once

// One end of a TCP connection: an IPv4 address as in sin_addr.s_addr, and a port.
using Peer = std::pair<std::uint32_t, std::uint16_t>;
// The store's side of the connections to 127.0.0.1:port, read from /proc/net/tcp: the clients'
// ends of those the kernel has completed; `accept_queue` counts those it holds unaccepted.
std::set<Peer> store_peers(int port, std::size_t& accept_queue);

// One kind of connection in a swarm: `count` of them from `from`, each sending `opening` as soon
// as it is connected and then one byte of `drip` per `tick`. One the store closes is opened again
// at the next tick (and sends its opening again), as an attacker would.
struct SwarmGroup {
    int count = 0;
    std::string from = kAttacker;
    std::string opening;
    std::string drip;
    Millis tick = Millis(3000);
    bool reconnect = true;
};

// One connection's life in a swarm group.
struct SwarmSession {
    Clock::time_point opened;              // when its opening was sent
    std::optional<Millis> answered_after;  // a status line came, this long after the opening
    int status = 0;                        // of the first status line
    std::optional<Millis> closed_after;    // the store closed it, this long after the opening
    bool refused = false;                  // the connect failed or timed out
};

class Swarm {
  public:
    Swarm(int port, std::vector<SwarmGroup> groups);  // starts at once, on its own thread
    ~Swarm();                                         // closes every connection
    Swarm(const Swarm&) = delete;
    void stop();
    // True once every connection was confirmed open by the store's side (or refused, or closed by
    // the store) at least once.
    bool wait_established(Millis limit);
    std::vector<SwarmSession> sessions(int group) const;  // all lives so far, the open ones too
    std::size_t open_connections() const;
    // For failure messages: per group, how many lives, answered (by status), closed, refused.
    std::string summary() const;

  private:
    struct Conn;
    void run(std::stop_token stop);
    int port_;
    std::vector<SwarmGroup> groups_;
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    std::vector<std::vector<SwarmSession>> sessions_;
    std::size_t open_ = 0;
    bool established_ = false;
    std::jthread thread_;
};

// `body` called again and again on its own thread until the object goes (or stop()).
class Repeat {
  public:
    explicit Repeat(std::function<void()> body);
    ~Repeat() { stop(); }
    void stop();
    int rounds() const { return rounds_.load(); }

  private:
    std::atomic<int> rounds_{0};
    std::jthread thread_;
};

// ---- The store's memory

// VmRSS of `pid` every `every` on its own thread; VmHWM (the kernel's own peak) on demand.
class MemorySampler {
  public:
    explicit MemorySampler(pid_t pid, Millis every = Millis(50));
    ~MemorySampler();
    std::size_t peak_rss_kb() const { return peak_.load(); }
    // The value of `field` (VmRSS, VmHWM) in /proc/PID/status, in kB; nullopt when the process is gone.
    static std::optional<std::size_t> status_kb(pid_t pid, const char* field);
    std::optional<std::size_t> hwm_kb() const { return status_kb(pid_, "VmHWM"); }

  private:
    pid_t pid_;
    std::atomic<std::size_t> peak_{0};
    std::jthread thread_;
};

// ---- The neighbours an attack must not hurt

struct ProbeResult {
    bool ok = false;
    Millis took{0};
    std::string what;  // why not ok
};

// GET /v1/health from 127.0.0.1 on a fresh connection: ok when 200 comes within `limit`.
ProbeResult probe_health(int port, Millis limit = Millis(3000));

// A real lkp-kiosk with a data folder of its own, known to the store as `name`.
class RealKiosk {
  public:
    RealKiosk(StoreServer& store, std::string name = "dev-kiosk");
    // Saves one new answer and runs `lkp-kiosk sync --once` against the store: ok when it exits 0
    // within `limit` (it is killed then) and the store holds the answer.
    ProbeResult deliver(Millis limit = Millis(3000));
    const std::string& name() const { return name_; }

  private:
    StoreServer& store_;
    std::string name_;
    TempDir dir_;
    std::int64_t seq_ = 0;
};

// A process run with a time limit; killed with SIGKILL when it runs over.
struct TimedRun {
    bool finished = false;  // within the limit
    int exit_code = -1;
    Millis took{0};
    std::string out, err;
};
TimedRun run_with_limit(const std::vector<std::string>& argv, Millis limit);

// Polls `done` every 5 ms for up to `limit`; true when it came true.
bool eventually(const std::function<bool()>& done, Millis limit);

// True when `text` holds what a terminal would act on: a byte below 0x20 other than '\n', 0x7f,
// or U+202E (right-to-left override).
bool has_control_bytes(std::string_view text);

}  // namespace lkp::test
