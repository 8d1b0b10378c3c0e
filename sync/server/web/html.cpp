#include "html.h"

namespace lkp::server::web {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string percent_encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '_' || c == '.' || c == '~';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string query_string(const Query& query) {
    std::string out;
    for (const auto& [name, value] : query) {
        if (value.empty()) continue;
        out += out.empty() ? "?" : "&";
        out += percent_encode(name) + "=" + percent_encode(value);
    }
    return out;
}

void add_security_headers(http::Reply& reply) {
    reply.headers.push_back({"Content-Security-Policy",
                             "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                             "frame-ancestors 'none'; base-uri 'none'"});
    reply.headers.push_back({"X-Frame-Options", "DENY"});
    reply.headers.push_back({"Referrer-Policy", "no-referrer"});
    reply.headers.push_back({"Cache-Control", "no-store"});
}

http::Reply html_reply(int status, std::string html) {
    http::Reply r{.status = status, .content_type = "text/html; charset=utf-8", .body = std::move(html)};
    add_security_headers(r);
    return r;
}

http::Reply see_other(const std::string& location) {
    http::Reply r{.status = 303, .content_type = "text/plain; charset=utf-8", .body = "See " + location + "\n"};
    r.headers.push_back({"Location", location});
    add_security_headers(r);
    return r;
}

}  // namespace lkp::server::web
