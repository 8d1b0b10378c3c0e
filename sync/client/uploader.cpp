#include "uploader.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace lkp::sync {

namespace {

// An answer bigger than this is not from the store (its largest is a few hundred KiB).
constexpr std::size_t kMaxReplyBytes = 16 * 1024 * 1024;

struct Collector {
    std::string body;
    std::optional<std::chrono::seconds> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* c = static_cast<Collector*>(user);
    if (c->body.size() + size * n > kMaxReplyBytes) return 0;  // curl aborts the transfer
    c->body.append(data, size * n);
    return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* c = static_cast<Collector*>(user);
    std::string line(data, size * n);
    const std::string name = "retry-after:";
    if (line.size() > name.size() && strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
        char* end = nullptr;
        long s = std::strtol(line.c_str() + name.size(), &end, 10);
        if (end != line.c_str() + name.size() && s >= 0) c->retry_after = std::chrono::seconds(std::min(s, 86400L));
    }
    return size * n;
}

// Lets stop() end a transfer at once instead of waiting for its timeout.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* abort = static_cast<const std::atomic<bool>*>(user);
    return abort && abort->load() ? 1 : 0;
}

}  // namespace

Uploader::Uploader(std::string base_url, TlsSettings tls, std::chrono::seconds connect_timeout,
                   std::chrono::seconds timeout, const std::atomic<bool>* abort)
    : base_url_(std::move(base_url)),
      tls_(std::move(tls)),
      connect_timeout_(connect_timeout),
      timeout_(timeout),
      abort_(abort) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
    if (!curl_) throw std::runtime_error("libcurl: cannot create a handle");
}

Uploader::~Uploader() { curl_easy_cleanup(curl_); }

HttpReply Uploader::post(const std::string& path, const std::string& body, const std::vector<std::string>& headers) {
    return perform(path, &body, headers);
}

HttpReply Uploader::get(const std::string& path, const std::vector<std::string>& headers) {
    return perform(path, nullptr, headers);
}

HttpReply Uploader::perform(const std::string& path, const std::string* body, const std::vector<std::string>& headers) {
    CURL* c = curl_;
    curl_easy_reset(c);  // keeps the open connection, drops last request's options
    std::string url = base_url_ + path;
    Collector got;
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip per batch

    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &got);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, abort_);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout_.count() * 1000));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count() * 1000));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is a captive portal, not the store
    // Verification is never switched off; a city CA or a pinned key can only narrow trust.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!tls_.ca_bundle.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls_.ca_bundle.c_str());
    if (!tls_.pinned_public_key.empty()) curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, tls_.pinned_public_key.c_str());

    HttpReply reply;
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        reply.error = curl_easy_strerror(rc);
        if (rc == CURLE_WRITE_ERROR) reply.error = "the answer was larger than any answer of the store";
        return reply;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    char* type = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    if (type) reply.content_type = type;
    reply.body = std::move(got.body);
    reply.retry_after = got.retry_after;
    return reply;
}

}  // namespace lkp::sync
