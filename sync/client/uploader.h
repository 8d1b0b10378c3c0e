#pragma once
// HTTP to the store with libcurl (POST for answers, GET for its public figures): one handle kept
// open (keep-alive), TLS always verified.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

typedef void CURL;

namespace lkp::sync {

struct TlsSettings {
    std::string ca_bundle;          // empty: the system's CAs
    std::string pinned_public_key;  // empty: no pinning
};

struct HttpReply {
    long status = 0;    // 0: no answer at all (see error)
    std::string error;  // curl's reason when there was no answer
    std::string body, content_type;
    std::optional<std::chrono::seconds> retry_after;
};

class Uploader {
  public:
    Uploader(std::string base_url, TlsSettings tls, std::chrono::seconds connect_timeout, std::chrono::seconds timeout,
             const std::atomic<bool>* abort = nullptr);
    ~Uploader();
    Uploader(const Uploader&) = delete;
    Uploader& operator=(const Uploader&) = delete;

    HttpReply post(const std::string& path, const std::string& body, const std::vector<std::string>& headers);
    HttpReply get(const std::string& path, const std::vector<std::string>& headers = {});

  private:
    HttpReply perform(const std::string& path, const std::string* body, const std::vector<std::string>& headers);

    std::string base_url_;
    TlsSettings tls_;
    std::chrono::seconds connect_timeout_, timeout_;
    const std::atomic<bool>* abort_;
    CURL* curl_ = nullptr;
};

}  // namespace lkp::sync
