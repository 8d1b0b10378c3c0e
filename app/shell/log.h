#pragma once
// How the kiosk's loop tells staff what happened: one line each on stderr, which journald keeps
// with the service. Units take the sink as a parameter so their tests can read the lines.
#include <functional>
#include <string>

namespace lkp {

using LogLine = std::function<void(const std::string& line)>;

// Writes "lkp-kiosk: LINE" and a newline to stderr.
void log_to_stderr(const std::string& line);

}  // namespace lkp
