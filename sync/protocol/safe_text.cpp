#include "safe_text.h"

#include <cstdio>

namespace lkp::sync {

namespace {

// The length of the well-formed UTF-8 sequence at s[i] and its code point, or 0 when the byte
// there does not start one (a stray continuation byte, an overlong form, a surrogate, a cut-off
// sequence, a code point past U+10FFFF).
std::size_t utf8_at(std::string_view s, std::size_t i, char32_t& cp) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    std::size_t n = 0;
    char32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Characters that change how the text around them is shown: controls, bidi overrides and
// isolates (which can make a line read backwards), and the Unicode line separators.
bool needs_escape(char32_t cp) {
    return is_control(cp) || cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

void append_byte(std::string& out, unsigned char byte) {
    char buf[8];
    out.append(buf, static_cast<std::size_t>(std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(byte))));
}

void append_escape(std::string& out, char32_t cp) {
    char buf[16];
    if (cp == '\n')
        out += "\\n";
    else if (cp == '\r')
        out += "\\r";
    else if (cp == '\t')
        out += "\\t";
    else if (cp < 0x80)
        append_byte(out, static_cast<unsigned char>(cp));
    else
        out.append(buf,
                   static_cast<std::size_t>(std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp))));
}

void render(std::string& out, std::string_view s, std::size_t max_bytes) {
    const std::size_t start = out.size();
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t before = out.size();
        char32_t cp = 0;
        std::size_t n = utf8_at(s, i, cp);
        if (n == 0) {  // one byte that is not UTF-8
            append_byte(out, static_cast<unsigned char>(s[i]));
            n = 1;
        } else if (needs_escape(cp)) {
            append_escape(out, cp);
        } else {
            out.append(s.substr(i, n));
        }
        if (out.size() - start > max_bytes) {
            out.resize(before);
            out += "…";
            return;
        }
        i += n;
    }
}

}  // namespace

std::string quote_input(std::string_view s, std::size_t max_bytes) {
    std::string out = "'";
    render(out, s, max_bytes);
    out += "'";
    return out;
}

std::string for_terminal(std::string_view s, std::size_t max_bytes) {
    std::string out;
    render(out, s, max_bytes);
    return out;
}

bool has_control_character(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) return true;
        // C1 controls in UTF-8: C2 80 .. C2 9F.
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
            static_cast<unsigned char>(s[i + 1]) >= 0x80)
            return true;
    }
    return false;
}

}  // namespace lkp::sync
