#pragma once
// Kiosk tokens: shown once when the kiosk is added, only their hash is stored.
#include <string>
#include <string_view>

namespace lkp::server {

// "lkp_" + 43 characters of URL-safe base64 of 32 random bytes.
std::string new_token();
// Hex of BLAKE2b-256 of the token: what the database keeps and looks tokens up by.
std::string token_hash(std::string_view token);
// Hex of BLAKE2b-256 of any bytes (request bodies for the Idempotency-Key check).
std::string body_hash(std::string_view body);

}  // namespace lkp::server
