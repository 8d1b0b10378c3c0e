#pragma once
// Synthetic residents for load tests and benchmarks: random taps fed through the real Session,
// so simulated data takes exactly the path a real answer takes.
#include <cstdint>
#include <functional>

#include "session.h"

namespace lkp {

struct SimulationCounts {
    int started = 0, completed = 0, abandoned = 0;
};

// Runs `count` sessions. Roughly one in ten is abandoned (back out, or walk away until the idle
// timeout); about one answer in fifteen is declined. `persist` sees every Outcome.
SimulationCounts simulate_sessions(Session& session, std::uint64_t seed, int count,
                                   const std::function<void(const Outcome&)>& persist);

}  // namespace lkp
