#include "secrets.h"

#include <sodium.h>

#include <stdexcept>

namespace lkp::server::staff {

namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr std::size_t kSecretChars = sodium_base64_ENCODED_LEN(kSecretBytes, kVariant) - 1;  // without the NUL

}  // namespace

void ensure_sodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

std::string new_secret() {
    ensure_sodium();
    unsigned char secret[kSecretBytes];
    randombytes_buf(secret, sizeof secret);
    char text[kSecretChars + 1];
    sodium_bin2base64(text, sizeof text, secret, sizeof secret, kVariant);
    sodium_memzero(secret, sizeof secret);
    return std::string(text, kSecretChars);
}

bool looks_like_secret(std::string_view s) {
    if (s.size() != kSecretChars) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

}  // namespace lkp::server::staff
