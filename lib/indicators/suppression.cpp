#include "suppression.h"

#include <cmath>
#include <limits>

namespace lkp::indicators {

namespace {

constexpr double kEpsilon = 1e-9;

bool sensitive(std::int64_t n, std::int64_t min_cell) { return n > 0 && n < min_cell; }

}  // namespace

// Each relation is one linear equation in the hidden cells. Brought to reduced row echelon form,
// a hidden cell is fixed exactly when it is a pivot whose row holds no other hidden cell.
std::vector<bool> derivable(const Table& table, const std::vector<bool>& hidden) {
    std::size_t cells = table.n.size();
    std::vector<std::size_t> column(cells, std::numeric_limits<std::size_t>::max());
    std::vector<std::size_t> unknowns;
    for (std::size_t c = 0; c < cells; ++c)
        if (hidden[c]) {
            column[c] = unknowns.size();
            unknowns.push_back(c);
        }
    std::vector<std::vector<double>> rows;
    for (const auto& r : table.relations) {
        std::vector<double> row(unknowns.size(), 0.0);
        bool any = false;
        auto add = [&](std::size_t cell, double sign) {
            if (hidden[cell]) {
                row[column[cell]] += sign;
                any = true;
            }
        };
        add(r.total, 1);
        for (std::size_t p : r.parts) add(p, -1);
        if (any) rows.push_back(std::move(row));
    }
    std::vector<bool> out(cells, false);
    for (std::size_t c = 0; c < cells; ++c) out[c] = !hidden[c];

    std::size_t rank = 0;
    std::vector<std::size_t> pivot_of_row;
    for (std::size_t col = 0; col < unknowns.size() && rank < rows.size(); ++col) {
        std::size_t best = rank;
        for (std::size_t r = rank; r < rows.size(); ++r)
            if (std::fabs(rows[r][col]) > std::fabs(rows[best][col])) best = r;
        if (std::fabs(rows[best][col]) < kEpsilon) continue;
        std::swap(rows[rank], rows[best]);
        double lead = rows[rank][col];
        for (double& v : rows[rank]) v /= lead;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (r == rank || std::fabs(rows[r][col]) < kEpsilon) continue;
            double f = rows[r][col];
            for (std::size_t k = 0; k < unknowns.size(); ++k) rows[r][k] -= f * rows[rank][k];
        }
        pivot_of_row.push_back(col);
        ++rank;
    }
    for (std::size_t r = 0; r < rank; ++r) {
        bool alone = true;
        for (std::size_t k = 0; k < unknowns.size() && alone; ++k)
            if (k != pivot_of_row[r] && std::fabs(rows[r][k]) > kEpsilon) alone = false;
        if (alone) out[unknowns[pivot_of_row[r]]] = true;
    }
    return out;
}

std::vector<CellStatus> suppress(const Table& table, std::int64_t min_cell) {
    std::size_t cells = table.n.size();
    std::vector<CellStatus> status(cells, CellStatus::Shown);
    std::vector<bool> hidden(cells, false);
    for (std::size_t c = 0; c < cells; ++c) {
        if (!table.published[c])
            status[c] = CellStatus::NotPublished;
        else if (sensitive(table.n[c], min_cell))
            status[c] = CellStatus::TooFew;
        hidden[c] = status[c] != CellStatus::Shown;
    }
    // A shown cell is hidden at a time until no small cell can be derived; each round hides one
    // more, so this ends. The smallest shown cell next to the exposed one costs the reader least.
    for (;;) {
        std::vector<bool> known = derivable(table, hidden);
        std::size_t exposed = cells;
        for (std::size_t c = 0; c < cells && exposed == cells; ++c)
            if (hidden[c] && known[c] && sensitive(table.n[c], min_cell)) exposed = c;
        if (exposed == cells) return status;
        std::size_t pick = cells;
        auto consider = [&](std::size_t c) {
            if (!hidden[c] && (pick == cells || table.n[c] < table.n[pick])) pick = c;
        };
        for (const auto& r : table.relations) {
            bool involved = r.total == exposed;
            for (std::size_t p : r.parts) involved = involved || p == exposed;
            if (!involved) continue;
            for (std::size_t p : r.parts) consider(p);
        }
        if (pick == cells)  // its relations are hidden already: widen to every relation with a hidden cell
            for (const auto& r : table.relations) {
                bool open = hidden[r.total];
                for (std::size_t p : r.parts) open = open || hidden[p];
                if (!open) continue;
                consider(r.total);
                for (std::size_t p : r.parts) consider(p);
            }
        if (pick == cells) return status;  // everything is hidden
        hidden[pick] = true;
        status[pick] = CellStatus::Protects;
    }
}

}  // namespace lkp::indicators
