#pragma once
// Random secrets of staff login: session ids and CSRF tokens.
#include <string>
#include <string_view>

namespace lkp::server::staff {

// libsodium ready (sodium_init once per process); throws std::runtime_error when it cannot be.
void ensure_sodium();

// 32 bytes of randombytes_buf as URL-safe base64 without padding: 43 characters of A-Z a-z 0-9 - _.
std::string new_secret();
// True when `s` has the shape new_secret() makes: a cookie or form value that has not is refused
// before the database is asked.
bool looks_like_secret(std::string_view s);

}  // namespace lkp::server::staff
