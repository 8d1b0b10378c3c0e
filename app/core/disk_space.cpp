#include "disk_space.h"

#include <sys/statvfs.h>

#include <cstdio>

namespace lkp {

std::optional<DiskSpace> disk_space(const std::string& folder) {
    struct statvfs fs {};
    if (::statvfs(folder.c_str(), &fs) != 0) return std::nullopt;
    auto block = static_cast<std::int64_t>(fs.f_frsize);
    return DiskSpace{static_cast<std::int64_t>(fs.f_bavail) * block, static_cast<std::int64_t>(fs.f_blocks) * block};
}

std::string human_bytes(std::int64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

}  // namespace lkp
