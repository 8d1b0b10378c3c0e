#include "staff_pin.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/atomic_file.h"

namespace lkp::staff {

std::optional<std::string> pin_problem(std::string_view pin) {
    bool digits = !pin.empty() && std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return "a PIN is digits only (0-9)";
    if (pin.size() < kShortestPin || pin.size() > kLongestPin)
        return "a PIN has " + std::to_string(kShortestPin) + " to " + std::to_string(kLongestPin) + " digits, not " +
               std::to_string(pin.size());
    return std::nullopt;
}

std::string hash_pin(std::string_view pin) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
    // INTERACTIVE limits (64 MiB, about 0.1 s here): checking a PIN at the kiosk must not keep the
    // resident in front of it waiting, and the lock-out, not the hash, is what stops guessing.
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw std::runtime_error("not enough memory to hash the PIN");
    return out;
}

bool pin_matches(const std::string& hash, std::string_view pin) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
    return crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

void write_pin_file(const std::string& data_dir, const std::string& hash) {
    std::string path = data_dir + "/" + kPinFile;
    // Made private before it holds anything: umask 077 for the atomic write's temporary file.
    mode_t before = umask(077);
    try {
        write_file_atomically(path, hash + "\n");
    } catch (...) {
        umask(before);
        throw;
    }
    umask(before);
    if (chmod(path.c_str(), 0600) != 0) throw std::runtime_error(path + ": " + std::strerror(errno));
}

std::optional<std::string> read_pin_file(const std::string& data_dir) {
    std::string path = data_dir + "/" + kPinFile;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec) && !ec) return std::nullopt;
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot be read: " + std::strerror(errno));
    std::string hash;
    std::getline(in, hash);
    if (hash.rfind("$argon2id$", 0) != 0)
        throw std::runtime_error(path + ": not a PIN hash (set the PIN again: lkp-kiosk set-pin)");
    return hash;
}

std::chrono::minutes lock_after(int wrong_in_a_row) {
    int past_free = wrong_in_a_row - kFreeTries;
    if (past_free <= 0) return std::chrono::minutes(0);
    if (past_free == 1) return std::chrono::minutes(1);
    if (past_free == 2) return std::chrono::minutes(5);
    return std::chrono::minutes(15);
}

std::optional<Clock::time_point> locked_until(std::vector<Clock::time_point> wrong_since_right, Clock::time_point now) {
    if (wrong_since_right.empty()) return std::nullopt;
    auto last = *std::max_element(wrong_since_right.begin(), wrong_since_right.end());
    auto until = last + lock_after(static_cast<int>(wrong_since_right.size()));
    if (until <= now) return std::nullopt;
    return until;
}

}  // namespace lkp::staff
