#include "tokens.h"

#include <sodium.h>

#include <stdexcept>

namespace lkp::server {

namespace {

void init_sodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

std::string hex_blake2b(std::string_view data) {
    init_sodium();
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
    char hex[2 * crypto_generichash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

}  // namespace

std::string new_token() {
    init_sodium();
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    char text[sodium_base64_ENCODED_LEN(32, kVariant)];
    sodium_bin2base64(text, sizeof text, secret, sizeof secret, kVariant);
    sodium_memzero(secret, sizeof secret);
    return std::string("lkp_") + text;
}

std::string token_hash(std::string_view token) { return hex_blake2b(token); }

std::string body_hash(std::string_view body) { return hex_blake2b(body); }

}  // namespace lkp::server
