#include "log.h"

#include <cstdio>

namespace lkp {

void log_to_stderr(const std::string& line) { std::fprintf(stderr, "lkp-kiosk: %s\n", line.c_str()); }

}  // namespace lkp
