#pragma once
// The PIN that opens the kiosk's staff mode (issue 11): 6 to 12 digits, kept only as an argon2id
// string (libsodium crypto_pwhash_str) in the data folder's `staff-pin` file, readable by the
// kiosk's user alone. No file means no staff mode. Wrong PINs lock the pad for longer and longer;
// the lock is worked out from the times of the wrong PINs, so it survives a restart wherever those
// times are kept.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lkp::staff {

inline constexpr const char* kPinFile = "staff-pin";
inline constexpr std::size_t kShortestPin = 6, kLongestPin = 12;

// Why `pin` cannot be a PIN (not 6 to 12 digits), or nullopt.
std::optional<std::string> pin_problem(std::string_view pin);

std::string hash_pin(std::string_view pin);
bool pin_matches(const std::string& hash, std::string_view pin);

// DIR/staff-pin: written whole (never half), mode 0600; read back as the hash, nullopt when there
// is none. Throw std::runtime_error naming the file on any other trouble.
void write_pin_file(const std::string& data_dir, const std::string& hash);
std::optional<std::string> read_pin_file(const std::string& data_dir);

using Clock = std::chrono::system_clock;

// The first kFreeTries wrong PINs cost nothing; the next locks the pad for 1 minute, the one after
// for 5, and every one after that for 15.
inline constexpr int kFreeTries = 5;
std::chrono::minutes lock_after(int wrong_in_a_row);

// Until when the pad is locked, given the times of the wrong PINs since the last right one (in any
// order); nullopt when a try may be made at `now`.
std::optional<Clock::time_point> locked_until(std::vector<Clock::time_point> wrong_since_right, Clock::time_point now);

}  // namespace lkp::staff
