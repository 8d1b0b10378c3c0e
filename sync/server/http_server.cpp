#include "http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "protocol/batch.h"
#include "protocol/safe_text.h"

namespace lkp::server::http {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Undoes Content-Encoding: gzip as the bytes arrive, never holding more than the limit.
class Inflater {
  public:
    Inflater() {
        if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("zlib: cannot start inflating");
    }
    ~Inflater() { inflateEnd(&z_); }
    Inflater(const Inflater&) = delete;

    // False when the data is not gzip, or goes on past the end of the gzip stream.
    bool feed(const char* data, std::size_t n, std::string& out, std::size_t limit, bool& too_large) {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        z_.avail_in = static_cast<uInt>(n);
        char chunk[16384];
        while (z_.avail_in > 0) {
            if (ended_) return false;
            z_.next_out = reinterpret_cast<Bytef*>(chunk);
            z_.avail_out = sizeof chunk;
            int rc = inflate(&z_, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return false;
            std::size_t produced = sizeof chunk - z_.avail_out;
            if (out.size() + produced > limit) {
                too_large = true;
                return true;
            }
            out.append(chunk, produced);
            if (rc == Z_STREAM_END) ended_ = true;
            if (rc == Z_BUF_ERROR && produced == 0) break;
        }
        return true;
    }
    bool complete() const { return ended_; }

  private:
    z_stream z_{};
    bool ended_ = false;
};

// One request from its first line to its answer. libmicrohttpd hands it to every callback.
struct Exchange {
    SteadyClock::time_point start = SteadyClock::now();
    std::string raw_uri;
    RequestHead head;
    Route route;
    enum class Phase { Head, Answer, Body, Working, Done } phase = Phase::Head;
    std::unique_ptr<Inflater> inflater;  // Content-Encoding: gzip
    std::string body;
    std::size_t raw_bytes = 0;
    bool too_large = false, unreadable = false;
    std::optional<Reply> reply;  // from the worker
    int status = 0;
    std::string log_note;
    MHD_Connection* connection = nullptr;
};

std::string client_address(MHD_Connection* c) {
    const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr) return "-";
    char text[INET6_ADDRSTRLEN] = "-";
    const sockaddr* a = info->client_addr;
    if (a->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a)->sin_addr, text, sizeof text);
    else if (a->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, text, sizeof text);
    return text;
}

}  // namespace

std::string lower_case(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string RequestHead::header(std::string_view lower_case_name) const {
    for (const auto& h : headers)
        if (h.name == lower_case_name) return h.value;
    return "";
}

std::optional<std::string> RequestHead::query_value(std::string_view name) const {
    for (const auto& [k, v] : query)
        if (k == name) return v;
    return std::nullopt;
}

bool RequestHead::has_body() const {
    std::string length = header("content-length");
    return !header("transfer-encoding").empty() || (!length.empty() && length != "0");
}

Reply problem(int status, const std::string& title, const std::string& detail) {
    return Reply{.status = status,
                 .content_type = "application/problem+json",
                 .body = sync::problem_json(status, title, detail)};
}

// Workers take finished requests off a bounded queue; a full queue is the client's cue to retry.
class WorkerPool {
  public:
    WorkerPool(std::size_t threads, std::size_t capacity) : capacity_(capacity) {
        for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
    }
    ~WorkerPool() { close(); }

    // A place in the queue first, so that a request is only suspended once its job will run.
    bool reserve() {
        std::lock_guard lock(mutex_);
        if (closed_ || reserved_ >= capacity_) return false;
        ++reserved_;
        return true;
    }
    void submit(std::function<void()> job) {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
        wake_.notify_one();
    }

    // Runs what is queued, then ends the threads.
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

  private:
    void run() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            job();
            std::lock_guard lock(mutex_);
            --reserved_;
        }
    }

    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    std::size_t reserved_ = 0;  // queued or running
    bool closed_ = false;
    std::vector<std::thread> threads_;
};

struct Server::Impl {
    Router router;
    Limits limits;
    std::optional<Tls> tls;
    MHD_Daemon* daemon = nullptr;
    std::unique_ptr<WorkerPool> workers;

    // Answers now. A request whose body was not read ends its connection: what follows on it
    // cannot be told apart from a smuggled request.
    static MHD_Result send(Exchange& x, Reply reply, bool close) {
        MHD_Response* r = nullptr;
        if (reply.body_fd && *reply.body_fd >= 0) {
            struct stat st {};
            int fd = *reply.body_fd;
            if (fstat(fd, &st) == 0) {
                r = MHD_create_response_from_fd(static_cast<std::uint64_t>(st.st_size), fd);
                if (r) *reply.body_fd = -1;  // the library closes it now
            }
        } else {
            r = MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
        }
        if (!r) return MHD_NO;
        if (!reply.content_type.empty()) MHD_add_response_header(r, "Content-Type", reply.content_type.c_str());
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        for (const auto& h : reply.headers) MHD_add_response_header(r, h.name.c_str(), h.value.c_str());
        if (close) MHD_add_response_header(r, "Connection", "close");
        MHD_Result ok = MHD_queue_response(x.connection, static_cast<unsigned>(reply.status), r);
        MHD_destroy_response(r);
        x.status = reply.status;
        x.route.hold.reset();  // the answer is out: a kiosk's in-flight place is free for its next request
        if (!reply.log_note.empty()) x.log_note += (x.log_note.empty() ? "" : " ") + reply.log_note;
        x.phase = Exchange::Phase::Done;
        return ok;
    }

    MHD_Result on_head(Exchange& x) {
        RequestHead& head = x.head;
        MHD_get_connection_values(
            x.connection, MHD_HEADER_KIND,
            [](void* cls, MHD_ValueKind, const char* key, const char* value) {
                auto* h = static_cast<RequestHead*>(cls);
                if (h->headers.size() < 256) h->headers.push_back({lower_case(key), value ? value : ""});
                return MHD_YES;
            },
            &head);
        MHD_get_connection_values(
            x.connection, MHD_GET_ARGUMENT_KIND,
            [](void* cls, MHD_ValueKind, const char* key, const char* value) {
                auto* h = static_cast<RequestHead*>(cls);
                h->query.emplace_back(key ? key : "", value ? value : "");  // bounded by the header limit
                return MHD_YES;
            },
            &head);
        bool body = head.has_body();
        if (head.headers.size() > limits.max_headers)
            return send(x,
                        problem(431, "Too many headers",
                                "send at most " + std::to_string(limits.max_headers) + " header fields"),
                        true);

        Route route;
        try {
            route = router(head);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lkp-store: routing %s failed: %s\n", sync::for_terminal(head.path, 200).c_str(),
                         e.what());
            route.answer = problem(500, "Internal error", "the store failed to handle this request; see its log");
        }
        x.route = std::move(route);
        x.log_note = x.route.log_note;
        if (x.route.answer) {
            // Without a body the answer waits for the library's next call: answered now,
            // libmicrohttpd would close even a keep-alive connection.
            if (body) return send(x, std::move(*x.route.answer), true);
            x.phase = Exchange::Phase::Answer;
            return MHD_YES;
        }

        std::string encoding = lower_case(head.header("content-encoding"));
        if (encoding == "gzip")
            x.inflater = std::make_unique<Inflater>();
        else if (!encoding.empty() && encoding != "identity")
            return send(
                x, problem(415, "Unsupported Content-Encoding", "send the body plain or with Content-Encoding: gzip"),
                true);
        std::string length = head.header("content-length");
        std::size_t declared = 0;
        auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), declared);
        if (!length.empty() && (ec != std::errc() || declared > x.route.body_limit))
            return send(x, too_large(x.route.body_limit), true);
        x.phase = Exchange::Phase::Body;
        return MHD_YES;
    }

    static Reply too_large(std::size_t limit) {
        return problem(413, "Body too large",
                       "the body is larger than " + std::to_string(limit) + " bytes (after decompression)");
    }

    MHD_Result on_body(Exchange& x, const char* data, std::size_t* size) {
        std::size_t n = *size;
        *size = 0;
        x.raw_bytes += n;
        // Only a chunked body gets here past the limit: end it rather than read on.
        if (x.raw_bytes > x.route.body_limit) return MHD_NO;
        if (x.too_large || x.unreadable) return MHD_YES;  // the rest is read and dropped; the answer says why
        if (x.inflater) {
            if (!x.inflater->feed(data, n, x.body, x.route.body_limit, x.too_large)) x.unreadable = true;
        } else if (x.body.size() + n > x.route.body_limit) {
            x.too_large = true;
        } else {
            x.body.append(data, n);
        }
        if (x.too_large) std::string().swap(x.body);
        return MHD_YES;
    }

    MHD_Result on_complete(Exchange& x) {
        if (x.too_large) return send(x, too_large(x.route.body_limit), true);
        if (x.unreadable || (x.inflater && !x.inflater->complete()))
            return send(x, problem(400, "Unreadable body", "the body could not be decompressed"), true);
        if (!workers->reserve()) {
            Reply busy = problem(429, "Too many requests", "the store is busy; retry shortly");
            busy.headers.push_back({"Retry-After", "1"});
            return send(x, std::move(busy), false);
        }
        x.phase = Exchange::Phase::Working;
        // Suspended before the job can finish, so the worker's resume always finds it suspended.
        MHD_suspend_connection(x.connection);
        workers->submit([&x] {
            try {
                x.reply = x.route.work(std::move(x.body));
            } catch (const std::exception& e) {
                std::fprintf(stderr, "lkp-store: error in %s %s: %s\n", x.head.method.c_str(),
                             sync::for_terminal(x.head.path, 200).c_str(), e.what());
                x.reply = problem(500, "Internal error", "the store failed to handle this request; see its log");
            }
            MHD_resume_connection(x.connection);
        });
        return MHD_YES;
    }

    static MHD_Result access(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                             const char* upload_data, std::size_t* upload_data_size, void** req_cls) {
        auto& self = *static_cast<Impl*>(cls);
        if (!*req_cls) *req_cls = new Exchange;
        auto& x = *static_cast<Exchange*>(*req_cls);
        switch (x.phase) {
            case Exchange::Phase::Head:
                x.connection = connection;
                x.head.method = method;
                x.head.path = url;
                return self.on_head(x);
            case Exchange::Phase::Answer:
                return send(x, std::move(*x.route.answer), false);
            case Exchange::Phase::Body:
                if (*upload_data_size > 0) return self.on_body(x, upload_data, upload_data_size);
                return self.on_complete(x);
            case Exchange::Phase::Working:
                if (!x.reply) return MHD_YES;  // woken before the worker finished; it will resume again
                return send(x, std::move(*x.reply), false);
            case Exchange::Phase::Done:
                *upload_data_size = 0;
                return MHD_YES;
        }
        return MHD_NO;
    }

    // The request's context is made as its first line arrives, so even requests libmicrohttpd
    // refuses itself (a header too large) get a log line.
    static void* begin(void*, const char* uri, MHD_Connection* connection) {
        auto* x = new Exchange;
        x->raw_uri = uri ? uri : "";
        x->head.client = client_address(connection);
        return x;
    }

    static void end(void*, MHD_Connection*, void** req_cls, MHD_RequestTerminationCode toe) {
        auto* x = static_cast<Exchange*>(*req_cls);
        if (!x) return;
        double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - x->start).count();
        std::string status = x->status ? std::to_string(x->status) : "-";
        if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) status += "(closed)";
        std::fprintf(stderr, "%s %s %s %s %s %.1fms\n", sync::for_terminal(x->head.client, 64).c_str(),
                     x->head.method.empty() ? "-" : sync::for_terminal(x->head.method, 16).c_str(),
                     sync::for_terminal(x->raw_uri, 200).c_str(), status.c_str(),
                     x->log_note.empty() ? "-" : x->log_note.c_str(), ms);
        delete x;
        *req_cls = nullptr;
    }

    // The library reports every dropped connection; under attack that would flood the journal.
    static void log_library(void*, const char* format, va_list ap) {
        static std::mutex mutex;
        static SteadyClock::time_point window;
        static int in_window = 0, dropped = 0;
        {
            std::lock_guard lock(mutex);
            auto now = SteadyClock::now();
            if (now - window > std::chrono::seconds(10)) {
                if (dropped) std::fprintf(stderr, "lkp-store: http: %d more messages not shown\n", dropped);
                window = now;
                in_window = dropped = 0;
            }
            if (++in_window > 20) {
                ++dropped;
                return;
            }
        }
        char text[512];
        std::vsnprintf(text, sizeof text, format, ap);
        std::string line = text;
        while (!line.empty() && line.back() == '\n') line.pop_back();
        std::fprintf(stderr, "lkp-store: http: %s\n", sync::for_terminal(line, 400).c_str());
    }
};

Server::Server(Router router, Limits limits, std::optional<Tls> tls) : impl_(std::make_unique<Impl>()) {
    impl_->router = std::move(router);
    impl_->limits = limits;
    impl_->tls = std::move(tls);
}

Server::~Server() { stop(); }

void Server::start(const std::string& host, int port) {
    Impl& d = *impl_;
    sockaddr_in6 a6{};
    sockaddr_in a4{};
    const sockaddr* address = nullptr;
    if (inet_pton(AF_INET, host.c_str(), &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(static_cast<uint16_t>(port));
        address = reinterpret_cast<const sockaddr*>(&a4);
    } else if (inet_pton(AF_INET6, host.c_str(), &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(static_cast<uint16_t>(port));
        address = reinterpret_cast<const sockaddr*>(&a6);
    } else if (host == "localhost") {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(static_cast<uint16_t>(port));
        a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address = reinterpret_cast<const sockaddr*>(&a4);
    } else {
        throw std::runtime_error("cannot listen on '" + host + "': give an IPv4 or IPv6 address");
    }

    d.workers = std::make_unique<WorkerPool>(d.limits.workers, d.limits.queue);
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (address->sa_family == AF_INET6) flags |= MHD_USE_IPv6;
    std::vector<MHD_OptionItem> o = {
        {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&Impl::log_library), nullptr},
        {MHD_OPTION_SOCK_ADDR, 0, const_cast<sockaddr*>(address)},
        {MHD_OPTION_THREAD_POOL_SIZE, static_cast<intptr_t>(d.limits.io_threads), nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(d.limits.max_connections), nullptr},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<intptr_t>(d.limits.per_address), nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(d.limits.idle_timeout_s), nullptr},
        // The connection's memory pool holds the request line and headers; a request whose
        // headers do not fit is answered 431 by the library.
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(d.limits.header_bytes), nullptr},
        {MHD_OPTION_STRICT_FOR_CLIENT, 1, nullptr},
        {MHD_OPTION_URI_LOG_CALLBACK, reinterpret_cast<intptr_t>(&Impl::begin), nullptr},
        {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Impl::end), nullptr},
    };
    if (d.tls) {
        flags |= MHD_USE_TLS;
        o.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, d.tls->cert_pem.data()});
        o.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, d.tls->key_pem.data()});
        o.push_back({MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>(kTlsPriorities)});
    }
    o.push_back({MHD_OPTION_END, 0, nullptr});
    d.daemon =
        MHD_start_daemon(flags, 0, nullptr, nullptr, &Impl::access, &d, MHD_OPTION_ARRAY, o.data(), MHD_OPTION_END);
    if (!d.daemon) {
        d.workers.reset();
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                                 (d.tls ? " (or the TLS certificate and key are unusable)" : ""));
    }
}

int Server::port() const {
    if (!impl_->daemon) return 0;
    const MHD_DaemonInfo* info = MHD_get_daemon_info(impl_->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void Server::stop() {
    Impl& d = *impl_;
    if (!d.daemon) return;
    MHD_quiesce_daemon(d.daemon);
    d.workers->close();  // every suspended request is answered and resumed
    MHD_stop_daemon(d.daemon);
    d.daemon = nullptr;
    d.workers.reset();
}

}  // namespace lkp::server::http
