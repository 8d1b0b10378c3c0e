#include "session_cookie.h"

#include "secrets.h"

namespace lkp::server::staff {

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string attributes(bool tls) {
    return std::string("; Path=/; HttpOnly; SameSite=Strict") + (tls ? "; Secure" : "");
}

}  // namespace

std::string session_cookie(std::string_view session_id, bool tls, std::chrono::seconds max_age) {
    return std::string(kSessionCookieName) + "=" + std::string(session_id) +
           "; Max-Age=" + std::to_string(max_age.count()) + attributes(tls);
}

std::string clearing_session_cookie(bool tls) {
    return std::string(kSessionCookieName) + "=; Max-Age=0" + attributes(tls);
}

std::optional<std::string> session_cookie_value(const http::RequestHead& head) {
    return secret_cookie_value(head, kSessionCookieName);
}

std::optional<std::string> secret_cookie_value(const http::RequestHead& head, std::string_view name) {
    std::optional<std::string> found;
    bool malformed = false;
    for (const http::Header& h : head.headers) {
        if (h.name != "cookie") continue;
        std::string_view rest = h.value;
        while (!rest.empty()) {
            std::size_t end = rest.find(';');
            std::string_view pair = trimmed(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
            std::size_t eq = pair.find('=');
            if (eq == std::string_view::npos || trimmed(pair.substr(0, eq)) != name) continue;
            std::string_view value = trimmed(pair.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')  // RFC 6265 allows quotes
                value = value.substr(1, value.size() - 2);
            if (!looks_like_secret(value)) {
                malformed = true;
                continue;
            }
            if (found && *found != value) return std::nullopt;
            found = std::string(value);
        }
    }
    // A well-formed id beside a malformed one: the request is not what our cookie makes.
    if (malformed) return std::nullopt;
    return found;
}

}  // namespace lkp::server::staff
