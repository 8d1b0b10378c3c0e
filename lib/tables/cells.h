#pragma once
// What every format checks the same way: a cell against its column's type, dates, UTF-8 text.
#include <optional>
#include <string_view>

#include "tables/writer.h"

namespace lkp::tables {

struct DateParts {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// "YYYY-MM-DD" (a real day of the Gregorian calendar), else nullopt.
std::optional<DateParts> parse_date(std::string_view text);
// "YYYY-MM-DD HH:MM:SS" (00:00:00 to 23:59:59), else nullopt.
std::optional<DateParts> parse_date_time(std::string_view text);

// Why `text` is not acceptable text (invalid UTF-8, a NUL character), or nullptr when it is.
const char* text_problem(std::string_view text);

// Why `cell` does not fit a column of `type`, or nullptr when it does.
const char* cell_problem(const Cell& cell, Type type);

const char* type_name(Type type);

}  // namespace lkp::tables
