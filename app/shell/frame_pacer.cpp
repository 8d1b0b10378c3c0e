#include "frame_pacer.h"

namespace lkp {

double FramePacer::sleep_seconds(Clock::time_point now,
                                 std::initializer_list<std::optional<Clock::time_point>> deadlines) const {
    if (frame_due()) return 0;
    std::optional<Clock::time_point> earliest;
    for (const auto& d : deadlines)
        if (d && (!earliest || *d < *earliest)) earliest = d;
    if (!earliest) return -1;
    return std::max(0.0, std::chrono::duration<double>(*earliest - now).count()) + 0.001;
}

}  // namespace lkp
