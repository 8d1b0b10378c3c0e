#pragma once
// Sheet names Excel accepts, made from table names that may not be acceptable.
#include <string>
#include <string_view>
#include <vector>

namespace lkp::tables {

// The name of sheet `part` (1, 2, ...) of a table called `wanted` (valid UTF-8): `wanted` with
// [ ] : * ? / \ and control characters made '_', no apostrophe first or last, "Tabell" if nothing
// is left, " (part)" after it from part 2 on, shortened to Excel's 31 characters (UTF-16 units).
// If Excel would take it for a name in `taken` (case-insensitively, for ASCII and Latin-1
// letters such as Å Ä Ö) or for its reserved "History", the next free " (k)" is used instead.
std::string excel_sheet_name(std::string_view wanted, int part, const std::vector<std::string>& taken);

}  // namespace lkp::tables
