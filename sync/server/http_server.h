#pragma once
// lkp-store's HTTP/1.1 front on libmicrohttpd. An event loop reads requests, so a slow or idle
// client costs a socket and a few KiB, never a thread; a small pool of workers does the storage
// work and hands each answer back to the loop. Everything a client can send is bounded here:
// connections per address, header bytes and count, idle time, body size after gzip.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lkp::server::http {

struct Header {
    std::string name, value;  // name in lower case
};

struct RequestHead {
    std::string method;
    std::string path;    // percent-decoded, without the query
    std::string client;  // the peer's address, for logs
    std::vector<Header> headers;
    std::vector<std::pair<std::string, std::string>> query;      // percent-decoded, in order
    std::string header(std::string_view lower_case_name) const;  // "" when absent
    std::optional<std::string> query_value(std::string_view name) const;
    bool has_body() const;  // a Content-Length above 0, or chunked
};

struct Reply {
    int status = 200;
    std::string content_type, body;
    std::vector<Header> headers;
    std::string log_note;  // appended to the access log line, e.g. "kiosk=k1 items=200"
    // An open file sent as the body instead (an export): the server closes it when sent.
    std::shared_ptr<int> body_fd;
};

// Header names, and tokens such as "Bearer" or a media type, compare without case.
std::string lower_case(std::string_view s);

// RFC 9457 problem details.
Reply problem(int status, const std::string& title, const std::string& detail);

// What to do with a request once its headers are in.
struct Route {
    // Answered at once: health, and every refusal. A body is never read: when the request has
    // one the connection closes after the answer, so no byte of it can be taken for a request.
    std::optional<Reply> answer;
    // Otherwise the body (gzip undone, at most body_limit bytes, else 413) goes to a worker.
    std::size_t body_limit = 0;
    std::function<Reply(std::string body)> work;
    std::shared_ptr<void> hold;  // released when the request ends, e.g. a kiosk's in-flight count
    std::string log_note;
};

using Router = std::function<Route(const RequestHead&)>;

struct Limits {
    std::size_t max_connections = 2048;
    std::size_t per_address = 256;  // a fleet behind one NAT still fits
    unsigned idle_timeout_s = 30;
    std::size_t header_bytes = 16 * 1024;  // request line and headers together
    std::size_t max_headers = 64;
    std::size_t io_threads = 2;
    std::size_t workers = 8;
    std::size_t queue = 32;  // requests waiting for or at a worker; beyond this 429
};

struct Tls {
    std::string cert_pem, key_pem;
};

class Server {
  public:
    Server(Router router, Limits limits, std::optional<Tls> tls = std::nullopt);
    ~Server();
    Server(const Server&) = delete;

    // Starts answering on host:port (port 0: any free one). Throws std::runtime_error naming the problem.
    void start(const std::string& host, int port);
    int port() const;
    // Stops taking connections, lets the workers finish, then closes every connection.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The ciphers a TLS client may use: TLS 1.2 and 1.3, forward secret key exchange, AEAD only.
inline constexpr const char* kTlsPriorities =
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:"
    "-MAC-ALL:+AEAD:%SERVER_PRECEDENCE";

}  // namespace lkp::server::http
