#include "safe_text.h"

#include <cstdio>
namespace lkp::sync {
std::string for_terminal(std::string_view s, std::size_t max_bytes) {
    std::string out;
    for (unsigned char c : s.substr(0, max_bytes)) {
        if (c < 0x20 || c == 0x7f || c == '\\') {
            char b[5];
            std::snprintf(b, sizeof b, "\\x%02x", c);
            out += b;
        } else
            out += static_cast<char>(c);
    }
    return out;
}
}  // namespace lkp::sync
