#pragma once
// Disclosure control for one published table of counts (and the figures they carry): a cell of
// fewer than min_cell answers is hidden, and so are enough other cells that no hidden small cell
// can be worked out from what is shown, by any combination of the table's sums (a city total
// minus its other districts, T minus K minus M, a year minus its other quarters).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lkp::indicators {

// cells[total] = sum of cells[parts], for counts and for what they carry.
struct Relation {
    std::size_t total;
    std::vector<std::size_t> parts;
};

struct Table {
    std::vector<std::int64_t> n;  // answers per cell
    std::vector<bool> published;  // false: never shown (e.g. the residual gender group)
    std::vector<Relation> relations;
};

enum class CellStatus {
    Shown,
    TooFew,        // 0 < n < min_cell
    Protects,      // hidden so that a TooFew cell cannot be derived
    NotPublished,  // never shown
};

// Afterwards no hidden cell of 0 < n < min_cell, published or not, follows from the shown cells by
// any combination of the relations (derivable() is false for all of them). Cells of n = 0 are no
// secret. Fast enough for a year table of the whole city (year_table.h): a few milliseconds.
std::vector<CellStatus> suppress(const Table& table, std::int64_t min_cell);

// For each cell: whether its value follows from the cells not hidden and the relations. Exact
// (integer row reduction, no tolerance); throws std::overflow_error rather than answer wrongly if
// a coefficient would not fit in 64 bits, which the sum tables here come nowhere near.
std::vector<bool> derivable(const Table& table, const std::vector<bool>& hidden);

}  // namespace lkp::indicators
