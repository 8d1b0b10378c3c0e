#pragma once
// A network that misbehaves on purpose: an HTTP proxy in front of the real lkp-store that, by a
// plan, answers some batch requests with what mall and library networks really do: errors,
// throttling, silence, cut connections, broken JSON and captive-portal pages.
#include <httplib.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lkp::test {

enum class Fault {
    None,
    ServerError,      // 500 with a problem body; nothing stored
    TooManyRequests,  // 429 with Retry-After: 1; nothing stored
    Hang,             // no answer until the client's timeout has passed; nothing stored
    CutMidAnswer,     // the store commits, then the connection drops halfway through its answer
    TruncatedJson,    // the store commits, the client gets the first half of its answer
    MalformedJson,    // the store commits, the client gets JSON of the wrong shape
    CaptivePortal,    // 200 with an HTML login page; nothing stored
    ProxyBadRequest,  // 400 with an HTML page from something on the way (a proxy, a WAF); nothing stored
    StoreBadRequest,  // forwarded without its Idempotency-Key: the store's own 400 problem+json; nothing stored
};
const char* to_string(Fault f);

class FaultyNetwork {
  public:
    // `plan(n)` decides the fault for the n-th batch request (1-based). Heartbeats always pass.
    FaultyNetwork(int store_port, std::function<Fault(int)> plan,
                  std::chrono::seconds hang_for = std::chrono::seconds(3));
    ~FaultyNetwork();

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int faults_injected() const;
    // Like a proxy's body-size limit (nginx's client_max_body_size): 413 for any batch of more
    // than `items` responses, before the store sees it. 0: no limit.
    void refuse_batches_over(std::size_t items) { max_items_ = items; }
    // True when some Idempotency-Key came twice, both times with the same body bytes (a retry),
    // and no key ever came with two different bodies.
    bool saw_identical_retry() const;
    // Every batch body the client sent (as the proxy received it: gzip already undone).
    std::vector<std::string> bodies() const;
    std::vector<std::string> keys() const;  // the Idempotency-Key of each, in the same order

  private:
    void on_batch(const httplib::Request& req, httplib::Response& res);
    // `keep_key` false drops the Idempotency-Key, which the store refuses with its own 400.
    httplib::Result forward(const httplib::Request& req, bool keep_key = true);

    int store_port_;
    std::function<Fault(int)> plan_;
    std::chrono::seconds hang_for_;
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    int requests_ = 0, faults_ = 0;
    std::atomic<std::size_t> max_items_{0};
    std::vector<std::pair<std::string, std::string>> seen_;  // key, body
};

}  // namespace lkp::test
