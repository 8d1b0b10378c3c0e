#include "passwords.h"

#include <sodium.h>

#include <stdexcept>

#include "secrets.h"

namespace lkp::server::staff {

namespace {

// libsodium's INTERACTIVE limits (see passwords.h): enough against an offline guesser for
// passwords of 12+ characters, cheap enough that logins do not queue.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// Characters, not bytes: "åäöåäöåäöåäö" is twelve, though 24 bytes of UTF-8.
std::size_t characters(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace

std::optional<std::string> password_problem(std::string_view password) {
    if (characters(password) < kMinPasswordChars)
        return "the password has " + std::to_string(characters(password)) + " characters; it needs at least " +
               std::to_string(kMinPasswordChars) + " (or leave it empty, or give --generate, to have one made)";
    if (password.size() > kMaxPasswordBytes)
        return "the password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes";
    for (unsigned char c : password)
        if (c < 0x20 || c == 0x7F) return "the password holds a control character (such as a tab or a NUL)";
    return std::nullopt;
}

std::string hash_password(std::string_view password) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit) != 0)
        throw std::runtime_error("not enough memory to hash the password (argon2id needs 64 MiB)");
    return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
    ensure_sodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash) {
    ensure_sodium();
    return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

std::string generate_password() {
    ensure_sodium();
    unsigned char bytes[18];
    randombytes_buf(bytes, sizeof bytes);
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    char text[sodium_base64_ENCODED_LEN(sizeof bytes, kVariant)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, kVariant);
    sodium_memzero(bytes, sizeof bytes);
    return text;
}

}  // namespace lkp::server::staff
