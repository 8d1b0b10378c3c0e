#pragma once
// The growing delay after wrong passwords, counted per key ("account:NAME", "address:IP") in the
// store's login_failures, so it survives a restart.
#include <chrono>
#include <cstdint>

namespace lkp::server::staff {

// A typo or three costs nothing.
inline constexpr std::int64_t kFreeFailures = 3;
// The longest wait: long enough that guessing is hopeless (96 guesses a day), short enough that
// someone who locked themselves out waits rather than calls.
inline constexpr std::chrono::seconds kMaxLoginDelay{15 * 60};
// A key whose last failure is older than this starts again from nothing (and its row is deleted).
inline constexpr std::chrono::hours kForgetFailuresAfter{24};

// How long after the last of `failures` wrong passwords the next try is heard: 0 for the first
// three, then 1 s, 2 s, 4 s ... doubling up to kMaxLoginDelay.
std::chrono::seconds delay_after(std::int64_t failures);

}  // namespace lkp::server::staff
