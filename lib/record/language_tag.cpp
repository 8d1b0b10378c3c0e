#include "language_tag.h"

namespace lkp::record {

std::string_view current_language_tag(std::string_view tag) { return tag == kEasySwedishBefore ? kEasySwedish : tag; }

std::string_view former_language_tag(std::string_view tag) {
    return tag == kEasySwedish ? kEasySwedishBefore : std::string_view();
}

}  // namespace lkp::record
