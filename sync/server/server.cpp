#include "server.h"

#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "tokens.h"

namespace lkp::server {

namespace {

using Clock = std::chrono::system_clock;
constexpr std::size_t kMaxHeartbeatBytes = 64 * 1024;

// What the access log line needs from inside a handler; httplib calls the logger on the same
// worker thread right after the answer is written.
struct RequestLog {
    std::chrono::steady_clock::time_point start;
    std::string kiosk = "-";
    std::size_t items = 0;
};
thread_local RequestLog t_log;

void problem(httplib::Response& res, int status, const std::string& title, const std::string& detail) {
    res.status = status;
    res.set_content(sync::problem_json(status, title, detail), "application/problem+json");
}

void unavailable(httplib::Response& res, const std::string& cause) {
    res.set_header("Retry-After", "5");
    problem(res, 503, "Storage unavailable", cause);
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "application/json; charset=utf-8" is JSON too.
bool is_json(const std::string& content_type) {
    std::string media = lower(content_type.substr(0, content_type.find(';')));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    return media == "application/json";
}

// Reads the body through httplib's decompression, stopping as soon as the decompressed size
// passes `limit`: a small gzip bomb never grows past the limit in memory.
bool read_body(const httplib::Request& req, const httplib::ContentReader& reader, httplib::Response& res,
               std::size_t limit, std::string& body) {
    // httplib passes encodings it does not know through undecoded; only gzip is part of /v1.
    std::string encoding = lower(req.get_header_value("Content-Encoding"));
    if (!encoding.empty() && encoding != "identity" && encoding != "gzip") {
        res.set_header("Connection", "close");
        problem(res, 415, "Unsupported Content-Encoding", "send the body plain or with Content-Encoding: gzip");
        return false;
    }
    bool too_large = false;
    bool ok = reader([&](const char* data, std::size_t n) {
        if (body.size() + n > limit) {
            too_large = true;
            return false;
        }
        body.append(data, n);
        return true;
    });
    if (ok) return true;
    res.set_header("Connection", "close");  // the rest of the body was not read
    if (too_large || res.status == 413)
        problem(res, 413, "Body too large",
                "the body is larger than " + std::to_string(limit) + " bytes (after decompression)");
    else if (res.status == 415)
        problem(res, 415, "Unsupported Content-Encoding", "send the body plain or with Content-Encoding: gzip");
    else
        problem(res, 400, "Unreadable body", "the body could not be read or decompressed");
    return false;
}

// Counts a batch as in flight for as long as it lives.
struct InflightSlot {
    explicit InflightSlot(std::atomic<std::size_t>& n) : n_(n), count(++n) {}
    ~InflightSlot() { --n_; }
    std::atomic<std::size_t>& n_;
    std::size_t count;
};

class Api {
  public:
    Api(StoreBackend& backend, const sync::SurveyCatalog& catalog, std::size_t max_inflight)
        : backend_(backend), catalog_(catalog), max_inflight_(max_inflight) {}

    void install(httplib::Server& svr) {
        svr.set_payload_max_length(sync::kMaxBodyBytes);
        svr.set_pre_routing_handler([this](const auto& req, auto& res) { return pre_route(req, res); });
        svr.Get(sync::kHealthPath, [this](const auto& req, auto& res) { guard(req, res, [&] { health(res); }); });
        svr.Post(sync::kBatchPath, [this](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& reader) { batch(req, res, reader); });
        svr.Post(sync::kHeartbeatPath, [this](const httplib::Request& req, httplib::Response& res,
                                              const httplib::ContentReader& reader) { heartbeat(req, res, reader); });
        // Errors httplib answers itself (a bad request line, an unknown Content-Encoding) get a problem body too.
        svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            problem(res, res.status, "HTTP " + std::to_string(res.status), "the request was refused");
            return httplib::Server::HandlerResponse::Handled;
        }));
        svr.set_exception_handler([](const auto&, auto& res, std::exception_ptr) {
            problem(res, 500, "Internal error", "the store failed to handle this request; see its log");
        });
        svr.set_logger([](const httplib::Request& req, const httplib::Response& res) { log(req, res); });
    }

  private:
    // Unknown paths and wrong methods are answered here, before httplib reads (and inflates) a body.
    httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
        t_log = RequestLog{std::chrono::steady_clock::now()};
        const char* allowed = req.path == sync::kHealthPath                                      ? "GET"
                              : req.path == sync::kBatchPath || req.path == sync::kHeartbeatPath ? "POST"
                                                                                                 : nullptr;
        if (!allowed) {
            problem(res, 404, "Not found", "no such resource: " + req.path);
        } else if (req.method != allowed) {
            res.set_header("Allow", allowed);
            problem(res, 405, "Method not allowed", req.path + " accepts only " + allowed);
        } else {
            return httplib::Server::HandlerResponse::Unhandled;
        }
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
    }

    // Storage problems are the client's cue to retry; anything else is a 500 that keeps us serving.
    template <typename F>
    static void guard(const httplib::Request& req, httplib::Response& res, F&& handler) {
        try {
            handler();
        } catch (const Unavailable& e) {
            unavailable(res, e.what());
        } catch (const KeyReused& e) {
            problem(res, 422, "Idempotency-Key reused", e.what());
        } catch (const sync::BatchError& e) {
            problem(res, e.status(), e.title(), e.what());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lkp-store: error in %s %s: %s\n", req.method.c_str(), req.path.c_str(), e.what());
            problem(res, 500, "Internal error", "the store failed to handle this request; see its log");
        }
    }

    void health(httplib::Response& res) {
        backend_.ping();
        res.set_content(Json{{"status", "ok"}, {"storage", backend_.kind()}}.dump(), "application/json");
    }

    // The kiosk of the bearer token, or nullopt after answering 401.
    std::optional<std::string> authenticate(const httplib::Request& req, httplib::Response& res) {
        std::string auth = req.get_header_value("Authorization");
        std::optional<std::string> kiosk;
        if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
            std::string hash = token_hash(auth.substr(7));
            kiosk = backend_.kiosk_for_token(hash);
        }
        if (!kiosk) {
            res.set_header("WWW-Authenticate", "Bearer");
            problem(res, 401, "Unauthorized",
                    auth.empty() ? "send the kiosk's token as Authorization: Bearer <token>"
                                 : "the token is unknown or was revoked");
            return std::nullopt;
        }
        t_log.kiosk = *kiosk;
        return kiosk;
    }

    void batch(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        InflightSlot slot(inflight_);
        if (slot.count > max_inflight_) {
            res.set_header("Retry-After", "1");
            res.set_header("Connection", "close");
            problem(res, 429, "Too many requests", "the store is busy; retry shortly");
            return;
        }
        std::string body;
        if (!read_body(req, reader, res, sync::kMaxBodyBytes, body)) return;
        guard(req, res, [&] { handle_batch(req, res, body); });
    }

    void heartbeat(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        std::string body;
        if (!read_body(req, reader, res, kMaxHeartbeatBytes, body)) return;
        guard(req, res, [&] { handle_heartbeat(req, res, body); });
    }

    void handle_batch(const httplib::Request& req, httplib::Response& res, const std::string& body) {
        auto kiosk = authenticate(req, res);
        if (!kiosk) return;
        std::string key = req.get_header_value("Idempotency-Key");
        if (!is_uuid(key))
            return problem(res, 400, "Missing Idempotency-Key", "send a lowercase UUID as Idempotency-Key");
        if (!is_json(req.get_header_value("Content-Type")))
            return problem(res, 415, "Unsupported Media Type", "a batch is sent as Content-Type: application/json");

        auto now = Clock::now();
        std::vector<sync::ParsedItem> items = sync::parse_batch(body, catalog_, now);
        t_log.items = items.size();
        BatchRequest request{.kiosk = *kiosk, .key = key, .body_hash = body_hash(body), .received_at = format_utc(now)};
        request.results.resize(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) decide(items[i], i, request);
        BatchAnswer answer = backend_.store_batch(std::move(request));
        res.set_content(answer.body, "application/json");
    }

    // Invalid items are rejected now; valid ones become rows for the backend to insert.
    static void decide(const sync::ParsedItem& item, std::size_t i, BatchRequest& request) {
        sync::ItemResult& r = request.results[i];
        r.id = item.id;
        r.status = sync::ItemResult::Status::Rejected;
        r.code = "invalid";
        if (!item.response) {
            r.field = item.field;
            r.reason = item.reason;
        } else if (item.response->kiosk_id != request.kiosk) {
            r.field = "kiosk_id";
            r.reason = "'" + item.response->kiosk_id + "' is not the kiosk of this token ('" + request.kiosk + "')";
        } else {
            request.rows.push_back(make_row(i, *item.response));
        }
    }

    void handle_heartbeat(const httplib::Request& req, httplib::Response& res, const std::string& body) {
        auto kiosk = authenticate(req, res);
        if (!kiosk) return;
        sync::Heartbeat h = sync::parse_heartbeat(body);
        if (h.kiosk_id != *kiosk)
            return problem(res, 403, "Wrong kiosk",
                           "the heartbeat is for '" + h.kiosk_id + "' but the token is '" + *kiosk + "'");
        backend_.store_heartbeat(h, format_utc(Clock::now()));
        res.status = 204;
    }

    static void log(const httplib::Request& req, const httplib::Response& res) {
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_log.start).count();
        std::fprintf(stderr, "%s %s %d kiosk=%s items=%zu %.1fms\n", req.method.c_str(), req.path.c_str(), res.status,
                     t_log.kiosk.c_str(), t_log.items, ms);
    }

    StoreBackend& backend_;
    const sync::SurveyCatalog& catalog_;
    std::size_t max_inflight_;
    std::atomic<std::size_t> inflight_{0};
};

// Signals are blocked in every thread and taken by one thread with sigwait, which stops the
// server: no work in a signal handler.
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

std::unique_ptr<httplib::Server> make_server(const ServeOptions& o) {
    if (o.tls_cert.empty()) return std::make_unique<httplib::Server>();
    return std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
}

}  // namespace

int serve(StoreBackend& backend, const sync::SurveyCatalog& catalog, const ServeOptions& options) {
    sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts, so all inherit it

    auto svr = make_server(options);
    if (!svr->is_valid()) {
        std::fprintf(stderr, "lkp-store: cannot use TLS certificate %s with key %s\n", options.tls_cert.c_str(),
                     options.tls_key.c_str());
        return 1;
    }
    std::size_t threads = options.max_inflight + 8;  // room to answer 429 and health while busy
    svr->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // Headers and body go out in separate writes; without TCP_NODELAY Nagle holds the body back
    // until the kiosk's delayed ACK (about 40 ms per batch on keep-alive connections).
    svr->set_tcp_nodelay(true);
    Api api(backend, catalog, options.max_inflight);
    api.install(*svr);
    if (!svr->bind_to_port(options.host, options.port)) {
        std::fprintf(stderr, "lkp-store: cannot listen on %s:%d\n", options.host.c_str(), options.port);
        return 1;
    }
    std::thread stopper([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        std::fprintf(stderr, "lkp-store: %s received, stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        svr->stop();
    });
    std::fprintf(stderr, "lkp-store: listening on %s://%s:%d (storage: %s)\n",
                 options.tls_cert.empty() ? "http" : "https", options.host.c_str(), options.port, backend.kind());
    bool ok = svr->listen_after_bind();
    if (!ok) pthread_kill(stopper.native_handle(), SIGTERM);  // wake the stopper so it can be joined
    stopper.join();
    return ok ? 0 : 1;
}

}  // namespace lkp::server
