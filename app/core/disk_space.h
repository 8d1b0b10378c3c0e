#pragma once
// How much room the disk under a folder has left, for the people who look after a kiosk: staff
// mode's overview, `lkp-kiosk status` and the heartbeat all say it the same way.
#include <cstdint>
#include <optional>
#include <string>

namespace lkp {

struct DiskSpace {
    std::int64_t free_bytes = 0;  // what an unprivileged process may still write
    std::int64_t total_bytes = 0;
};

// nullopt when the folder cannot be looked at (missing, no permission).
std::optional<DiskSpace> disk_space(const std::string& folder);

// Below this the kiosk is about to be, or already is, closed to residents for want of room: a
// session's answers, its counts and SQLite's journal need a few pages at most, but a WAL checkpoint or
// a quick_check's temporary pages need more.
inline constexpr std::int64_t kLowDiskBytes = 16 * 1024 * 1024;

// "12.3 MiB", "812 KiB": sizes as staff read them.
std::string human_bytes(std::int64_t bytes);

}  // namespace lkp
