#include "faulty_network.h"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

namespace lkp::test {

const char* to_string(Fault f) {
    switch (f) {
        case Fault::None:
            return "none";
        case Fault::ServerError:
            return "server_error";
        case Fault::TooManyRequests:
            return "too_many_requests";
        case Fault::Hang:
            return "hang";
        case Fault::CutMidAnswer:
            return "cut_mid_answer";
        case Fault::TruncatedJson:
            return "truncated_json";
        case Fault::MalformedJson:
            return "malformed_json";
        case Fault::CaptivePortal:
            return "captive_portal";
        case Fault::ProxyBadRequest:
            return "proxy_bad_request";
        case Fault::StoreBadRequest:
            return "store_bad_request";
    }
    return "?";
}

FaultyNetwork::FaultyNetwork(int store_port, std::function<Fault(int)> plan, std::chrono::seconds hang_for)
    : store_port_(store_port), plan_(std::move(plan)), hang_for_(hang_for) {
    server_.Post("/v1/batches", [this](const httplib::Request& req, httplib::Response& res) { on_batch(req, res); });
    server_.Post("/v1/heartbeat", [this](const httplib::Request& req, httplib::Response& res) {
        auto r = forward(req);
        res.status = r ? r->status : 502;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the faulty network cannot listen");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FaultyNetwork::~FaultyNetwork() {
    server_.stop();
    thread_.join();
}

// httplib has already undone the client's gzip: the body goes on as plain JSON.
httplib::Result FaultyNetwork::forward(const httplib::Request& req, bool keep_key) {
    httplib::Client store("127.0.0.1", store_port_);
    store.set_read_timeout(30, 0);
    httplib::Headers headers{{"Authorization", req.get_header_value("Authorization")}};
    if (keep_key && req.has_header("Idempotency-Key"))
        headers.emplace("Idempotency-Key", req.get_header_value("Idempotency-Key"));
    return store.Post(req.path, headers, req.body, "application/json");
}

void FaultyNetwork::on_batch(const httplib::Request& req, httplib::Response& res) {
    Fault fault;
    {
        std::lock_guard lock(mutex_);
        seen_.emplace_back(req.get_header_value("Idempotency-Key"), req.body);
        fault = plan_(++requests_);
        if (fault != Fault::None) ++faults_;
    }
    if (std::size_t limit = max_items_; limit > 0) {
        auto batch = nlohmann::json::parse(req.body, nullptr, false);
        if (batch.is_object() && batch.contains("responses") && batch["responses"].size() > limit) {
            std::lock_guard lock(mutex_);
            ++faults_;
            res.status = 413;
            res.set_content(R"({"title": "Payload Too Large", "status": 413, "detail": "injected"})",
                            "application/problem+json");
            return;
        }
    }
    switch (fault) {
        case Fault::ServerError:
            res.status = 500;
            res.set_content(R"({"title": "Internal Server Error", "status": 500, "detail": "injected"})",
                            "application/problem+json");
            return;
        case Fault::TooManyRequests:
            res.status = 429;
            res.set_header("Retry-After", "1");
            res.set_content(R"({"title": "Too Many Requests", "status": 429, "detail": "injected"})",
                            "application/problem+json");
            return;
        case Fault::Hang:
            std::this_thread::sleep_for(hang_for_);
            res.status = 504;
            return;
        case Fault::CaptivePortal:
            res.status = 200;
            res.set_content("<html><body><h1>Welcome to Mall Wi-Fi</h1><a href=/login>Log in</a></body></html>",
                            "text/html");
            return;
        case Fault::ProxyBadRequest:
            res.status = 400;
            res.set_content(
                "<html><head><title>400 Bad Request</title></head><body><center><h1>400 Bad Request</h1>"
                "</center><hr><center>nginx</center></body></html>",
                "text/html");
            return;
        default:
            break;
    }
    auto answer = forward(req, fault != Fault::StoreBadRequest);  // the store commits the batch here
    if (!answer) {
        res.status = 502;
        return;
    }
    std::string body = answer->body;
    res.status = answer->status;
    if (answer->has_header("Retry-After")) res.set_header("Retry-After", answer->get_header_value("Retry-After"));
    std::string type = answer->get_header_value("Content-Type");
    switch (fault) {
        case Fault::CutMidAnswer: {
            // Promise the whole answer, send half, then drop the connection.
            auto half = std::make_shared<std::string>(body.substr(0, body.size() / 2));
            res.set_content_provider(body.size(), type,
                                     [half](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                         if (offset > 0) return false;
                                         sink.write(half->data(), half->size());
                                         return true;
                                     });
            return;
        }
        case Fault::TruncatedJson:
            res.set_content(body.substr(0, body.size() / 2), type);
            return;
        case Fault::MalformedJson:
            res.set_content(R"({"batch": "x", "results": 42})", type);
            return;
        default:
            res.set_content(body, type);
            return;
    }
}

int FaultyNetwork::faults_injected() const {
    std::lock_guard lock(mutex_);
    return faults_;
}

bool FaultyNetwork::saw_identical_retry() const {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::string> first;
    bool retried = false;
    for (const auto& [key, body] : seen_) {
        auto [it, fresh] = first.emplace(key, body);
        if (fresh) continue;
        if (it->second != body) return false;
        retried = true;
    }
    return retried;
}

std::vector<std::string> FaultyNetwork::bodies() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& s : seen_) out.push_back(s.second);
    return out;
}

std::vector<std::string> FaultyNetwork::keys() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& s : seen_) out.push_back(s.first);
    return out;
}

}  // namespace lkp::test
