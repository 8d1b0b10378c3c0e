#pragma once
// Text from a client, made safe to show: in a rejection reason or problem detail (which the kiosk
// logs and staff read), in a log line, or in an operator's terminal (`lkp-store kiosk list`).
// Valid, printable UTF-8 is kept as it is, so Swedish and Arabic stay readable; everything a
// terminal or a bidi-aware viewer would act on is written out instead:
//   \n \r \t          for those three,
//   \xNN              for other C0 controls, DEL and each byte that is not valid UTF-8,
//   \u{XXXX}          for C1 controls (U+0080..U+009F), the bidi controls (U+061C, U+200E, U+200F,
//                     U+202A..U+202E, U+2066..U+2069) and the line/paragraph separators U+2028/9.
// A backslash is kept as it is, so the result can be passed through again unchanged.
#include <cstddef>
#include <string>
#include <string_view>

namespace lkp::sync {

// A short quote of client input inside a message: in single quotes, at most `max_bytes` of
// rendered text between them, cut with "…" (never inside a character or an escape).
// Use it whenever a message names what the client sent: quote_input(kiosk_id) + " is not ...".
std::string quote_input(std::string_view s, std::size_t max_bytes = 32);

// A whole field for a terminal or a log line, with the same escaping: at most `max_bytes` of
// rendered text, then "…". No quotes are added, and the result is always one line.
std::string for_terminal(std::string_view s, std::size_t max_bytes);

// True when `s` holds a control character (C0, DEL, or C1 as UTF-8), which no field of a
// response may contain: they are codes and names, and PostgreSQL cannot store NUL at all.
bool has_control_character(std::string_view s);

}  // namespace lkp::sync
