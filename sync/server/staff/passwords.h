#pragma once
// Staff passwords: argon2id strings from libsodium's crypto_pwhash_str, the rules a new password
// must meet, and generated passwords.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lkp::server::staff {

inline constexpr std::size_t kMinPasswordChars = 12;
// Far above any typed password; a longer one is refused rather than hashed.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Why `password` may not be used (too short, too long, a control character), or nullopt.
std::optional<std::string> password_problem(std::string_view password);

// "$argon2id$v=19$m=65536,t=2,p=1$..." with libsodium's INTERACTIVE limits: 64 MiB and two
// passes, about a tenth of a second on the store's hardware. A login costs one such hash.
std::string hash_password(std::string_view password);
// Constant time in the password; false for a wrong password and for a string that is no hash.
bool verify_password(const std::string& hash, std::string_view password);
// True when `hash` was made with other limits than hash_password's (older, weaker, or another
// algorithm): the login that has the password then stores a new hash.
bool needs_rehash(const std::string& hash);

// 24 characters of URL-safe base64 (18 random bytes, 144 bits): for `staff add --generate`.
std::string generate_password();

}  // namespace lkp::server::staff
