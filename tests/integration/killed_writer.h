// The crash and power-loss tests' writer (crash_writer.cpp), started and killed with SIGKILL.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace lkp {

// Runs crash_writer with `args` and, where not empty, `env` as its whole environment; reads what it
// reports while it runs (a fast writer fills a pipe's buffer within a second) and kills it with
// SIGKILL after `run_for`. Returns the ids it reported, that is, the answers whose commit returned.
std::vector<std::string> run_writer_until_killed(const std::vector<std::string>& args,
                                                 const std::vector<std::string>& env,
                                                 std::chrono::microseconds run_for);

}  // namespace lkp
