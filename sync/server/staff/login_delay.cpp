#include "login_delay.h"

#include <algorithm>

namespace lkp::server::staff {

std::chrono::seconds delay_after(std::int64_t failures) {
    if (failures < kFreeFailures) return std::chrono::seconds(0);
    std::int64_t doublings = failures - kFreeFailures;
    if (doublings >= 30) return kMaxLoginDelay;  // 2^30 s is far past the cap; no shift overflows
    return std::min(std::chrono::seconds(std::int64_t{1} << doublings), kMaxLoginDelay);
}

}  // namespace lkp::server::staff
