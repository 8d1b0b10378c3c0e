#pragma once
// A response's language tag as it leaves the kiosk (the sync, the kiosk's exports) and the store
// (its exports): BCP 47 (RFC 5646), the locale file's name (locales/TAG.po).
//
// Lätt svenska (easy-to-read Swedish) was "sv-easy" until issue 12. That tag is well formed but not
// valid: a four-letter subtag after the language is a script, and there is no script "Easy". It
// is now "sv-x-easy", Swedish with a private-use subtag. Answers given before then keep "sv-easy"
// where they were stored (the kiosk's outbox, the store's responses table): nothing rewrites a
// stored row, so its content hash stays what it was. Every read maps it instead:
//   - record::view_of / from_row (a stored row, kiosk or store) and from_wire (a sent item)
//     give the current tag, and to_wire writes it;
//   - the store still recognises a response stored under the old tag when it is sent again with
//     the new one (server::row_outcome);
//   - config (default_language) and the session accept the old tag and use the new one.
#include <string_view>

namespace lkp::record {

inline constexpr std::string_view kEasySwedish = "sv-x-easy";
inline constexpr std::string_view kEasySwedishBefore = "sv-easy";

// The tag to use for a tag read from anywhere: "sv-easy" becomes "sv-x-easy", any other tag is
// returned as it is (a view of `tag`).
std::string_view current_language_tag(std::string_view tag);

// The tag a response in this language was stored under before its tag changed ("sv-easy" for
// "sv-x-easy"), or an empty view when its tag never changed.
std::string_view former_language_tag(std::string_view tag);

}  // namespace lkp::record
