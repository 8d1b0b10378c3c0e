#pragma once
// Building blocks of lkp-store's web pages: escaping, query strings, and the headers every page is
// sent with. Pages are server-rendered HTML with inline SVG; nothing on them needs a script, and
// the Content-Security-Policy allows none.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http_server.h"

namespace lkp::server::web {

// For text and attribute values alike: & < > " ' become character references.
std::string escape(std::string_view text);

// A query string ("?a=1&b=x%20y"), each value percent-encoded; pairs with an empty value are left
// out, so a link does not carry filters that were not chosen.
using Query = std::vector<std::pair<std::string, std::string>>;
std::string query_string(const Query& query);
std::string percent_encode(std::string_view text);

// A finished page: text/html with the security headers below.
http::Reply html_reply(int status, std::string html);
// Content-Security-Policy (no script, styles only from the store itself, no framing), Referrer-
// Policy and no caching of staff data. (The HTTP front adds X-Content-Type-Options to every answer.)
void add_security_headers(http::Reply& reply);

// 303 See Other to `location` (a path of this site).
http::Reply see_other(const std::string& location);

}  // namespace lkp::server::web
