#pragma once
// The staff login's cookie: the Set-Cookie values that carry a session id to the browser and clear
// it at logout, and reading it back from a request.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_server.h"

namespace lkp::server::staff {

inline constexpr std::string_view kSessionCookieName = "lkp_session";

// "lkp_session=ID; Max-Age=N; Path=/; HttpOnly; SameSite=Strict" and "; Secure" when the page is
// served over TLS (a browser then never sends it over plain HTTP). HttpOnly: no script reads it;
// SameSite=Strict: no other site's page makes the browser send it. Max-Age is the session's
// absolute expiry: the browser forgets the cookie when the store would refuse it anyway.
std::string session_cookie(std::string_view session_id, bool tls, std::chrono::seconds max_age);
// The same cookie emptied and expired at once: for the answer to a logout.
std::string clearing_session_cookie(bool tls);

// The session id from the request's Cookie header(s): nullopt when there is none, when it is not
// of the shape a session id has, or when the request carries two different ones (another site
// or subdomain may have planted the second; guessing which is ours would be unsafe). Other
// cookies, spaces around pairs and pairs without '=' are passed over.
std::optional<std::string> session_cookie_value(const http::RequestHead& head);
// The same reading for any cookie that holds a new_secret() value (the login form's, too).
std::optional<std::string> secret_cookie_value(const http::RequestHead& head, std::string_view name);

}  // namespace lkp::server::staff
