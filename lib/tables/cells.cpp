#include "cells.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace lkp::tables {

namespace {

bool read_number(std::string_view text, std::size_t from, std::size_t digits, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + digits; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

int days_in_month(int year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

}  // namespace

std::optional<DateParts> parse_date(std::string_view text) {
    DateParts d;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!read_number(text, 0, 4, d.year) || !read_number(text, 5, 2, d.month) || !read_number(text, 8, 2, d.day))
        return std::nullopt;
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) return std::nullopt;
    return d;
}

std::optional<DateParts> parse_date_time(std::string_view text) {
    if (text.size() != 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':') return std::nullopt;
    auto d = parse_date(text.substr(0, 10));
    if (!d || !read_number(text, 11, 2, d->hour) || !read_number(text, 14, 2, d->minute) ||
        !read_number(text, 17, 2, d->second))
        return std::nullopt;
    if (d->hour > 23 || d->minute > 59 || d->second > 59) return std::nullopt;
    return d;
}

const char* text_problem(std::string_view text) {
    constexpr const char* invalid = "is not valid UTF-8";
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        // Eight bytes at a time while they are ASCII and none is NUL: most text in an export.
        constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
        while (end - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            if (((w | ((w - ones) & ~w)) & highs) != 0) break;
            p += 8;
        }
        if (p == end) break;
        unsigned c = *p;
        if (c < 0x80) {
            if (c == 0) return "holds a NUL character";
            ++p;
            continue;
        }
        int more;
        unsigned code;
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1, code = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2, code = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3, code = c & 0x07;
        } else {
            return invalid;
        }
        if (end - p <= more) return invalid;
        for (int i = 1; i <= more; ++i) {
            if ((p[i] & 0xC0) != 0x80) return invalid;
            code = (code << 6) | (p[i] & 0x3Fu);
        }
        if (more == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) return invalid;
        if (more == 3 && (code < 0x10000 || code > 0x10FFFF)) return invalid;
        p += more + 1;
    }
    return nullptr;
}

const char* cell_problem(const Cell& cell, Type type) {
    if (std::holds_alternative<std::monostate>(cell)) return nullptr;
    const std::optional<std::string_view> text = text_in(cell);
    switch (type) {
        case Type::Text:
            return text ? text_problem(*text) : "holds a number, not text";
        case Type::Integer:
            if (std::holds_alternative<std::int64_t>(cell)) return nullptr;
            return text ? "holds text, not an integer" : "holds a decimal, not an integer";
        case Type::Decimal:
            if (const auto* d = std::get_if<double>(&cell))
                return std::isfinite(*d) ? nullptr : "is not a finite number";
            return text ? "holds text, not a number" : nullptr;
        case Type::Date:
            if (!text) return "holds a number, not a date";
            return parse_date(*text) ? nullptr : "is not a date YYYY-MM-DD";
        case Type::DateTime:
            if (!text) return "holds a number, not a date and time";
            return parse_date_time(*text) ? nullptr : "is not a date and time YYYY-MM-DD HH:MM:SS";
    }
    return "has a column type this writer does not know";
}

const char* type_name(Type type) {
    switch (type) {
        case Type::Text:
            return "Text";
        case Type::Integer:
            return "Integer";
        case Type::Decimal:
            return "Decimal";
        case Type::Date:
            return "Date";
        case Type::DateTime:
            return "DateTime";
    }
    return "?";
}

}  // namespace lkp::tables
