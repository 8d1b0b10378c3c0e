#pragma once
// The CSV writer's field forms, open to tests (the formats are described in tables/writer.h).
#include <string>
#include <string_view>

namespace lkp::tables {

// Appends a text field: the apostrophe before = + - @ TAB CR, quotes when it holds ; " CR or LF.
void append_csv_text(std::string& out, std::string_view text);
// Appends a decimal with a decimal comma, rounded to 6 decimals, trailing zeros dropped, no exponent.
void append_csv_decimal(std::string& out, double value);

}  // namespace lkp::tables
