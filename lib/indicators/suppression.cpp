#include "suppression.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <optional>
#include <queue>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace lkp::indicators {

namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

bool sensitive(std::int64_t n, std::int64_t min_cell) { return n > 0 && n < min_cell; }

// A relation as an equation: total − parts = 0. A cell named twice has its coefficients added
// (and drops out if they cancel), so every term below is a real dependence on its cell.
struct Term {
    std::size_t cell;
    std::int64_t coef;  // +1: the total, −1: a part
};

struct System {
    std::vector<std::vector<Term>> equations;       // terms sorted by cell
    std::vector<std::vector<std::size_t>> of_cell;  // the equations each cell is in

    explicit System(const Table& t) : of_cell(t.n.size()) {
        for (const auto& r : t.relations) {
            std::vector<Term> terms{{r.total, 1}};
            for (std::size_t p : r.parts) terms.push_back({p, -1});
            std::sort(terms.begin(), terms.end(), [](const Term& a, const Term& b) { return a.cell < b.cell; });
            std::vector<Term> merged;
            for (const Term& term : terms)
                if (!merged.empty() && merged.back().cell == term.cell)
                    merged.back().coef += term.coef;
                else
                    merged.push_back(term);
            std::erase_if(merged, [](const Term& term) { return term.coef == 0; });
            for (const Term& term : merged) of_cell[term.cell].push_back(equations.size());
            equations.push_back(std::move(merged));
        }
    }
};

// What a reader gets from one equation at a time: an equation with a single hidden cell not yet
// known gives that cell, which may leave another equation with a single one. Cheap and local;
// whatever it finds is derivable, but not everything derivable is found this way.
struct Peeled {
    std::vector<bool> known;         // shown, or worked out
    std::vector<std::size_t> via;    // the equation that gave a hidden cell, kNone if none did
    std::vector<std::size_t> order;  // the hidden cells in the order they were worked out
};

Peeled peel(const System& s, const std::vector<bool>& hidden) {
    Peeled out{std::vector<bool>(hidden.size()), std::vector<std::size_t>(hidden.size(), kNone), {}};
    for (std::size_t c = 0; c < hidden.size(); ++c) out.known[c] = !hidden[c];
    std::vector<std::size_t> unknown_in(s.equations.size(), 0);
    std::vector<std::size_t> single;
    for (std::size_t e = 0; e < s.equations.size(); ++e) {
        for (const Term& term : s.equations[e]) unknown_in[e] += !out.known[term.cell];
        if (unknown_in[e] == 1) single.push_back(e);
    }
    while (!single.empty()) {
        std::size_t e = single.back();
        single.pop_back();
        if (unknown_in[e] != 1) continue;
        std::size_t cell = kNone;
        for (const Term& term : s.equations[e])
            if (!out.known[term.cell]) cell = term.cell;
        out.known[cell] = true;
        out.via[cell] = e;
        out.order.push_back(cell);
        for (std::size_t other : s.of_cell[cell])
            if (--unknown_in[other] == 1) single.push_back(other);
    }
    return out;
}

// Exact linear algebra over the integers on sparse rows: each row is an equation in the cells
// still unknown (columns), the shown and worked-out cells being constants.
struct Entry {
    std::size_t col;
    std::int64_t v;
};
using Row = std::vector<Entry>;

// The coefficients of a year table stay at 1 or 2; should a table ever need more than 64 bits, an
// exception rather than a wrapped number.
[[noreturn]] void outgrown() {
    throw std::overflow_error("suppression: a coefficient outgrew 64 bits in the row reduction");
}
std::int64_t mul(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(a, b, &out)) outgrown();
    return out;
}
std::int64_t sub(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_sub_overflow(a, b, &out)) outgrown();
    return out;
}

// a × x − b × y for rows sorted by column, without zeros and divided by the gcd of its entries.
Row combine(std::int64_t a, const Row& x, std::int64_t b, const Row& y) {
    Row out;
    out.reserve(x.size() + y.size());
    std::size_t i = 0, j = 0;
    while (i < x.size() || j < y.size()) {
        if (j == y.size() || (i < x.size() && x[i].col < y[j].col)) {
            out.push_back({x[i].col, mul(a, x[i].v)});
            ++i;
        } else if (i == x.size() || y[j].col < x[i].col) {
            out.push_back({y[j].col, sub(0, mul(b, y[j].v))});
            ++j;
        } else {
            std::int64_t v = sub(mul(a, x[i].v), mul(b, y[j].v));
            if (v != 0) out.push_back({x[i].col, v});
            ++i;
            ++j;
        }
    }
    std::int64_t g = 0;
    for (const Entry& e : out) g = std::gcd(g, e.v);
    if (g > 1)
        for (Entry& e : out) e.v /= g;
    return out;
}

// Which columns the rows fix, by reduction to reduced row echelon form: a column is fixed exactly
// when it leads a row that holds no other column. Rows are sparse and the pivot is taken from the
// shortest row left, in its column found in the fewest rows (a ±1 if it has one), which keeps
// both the fill-in and the numbers small; exact integers, so no tolerance decides anything.
std::vector<bool> fixed_columns(std::vector<Row> rows, std::size_t columns) {
    std::vector<std::vector<std::size_t>> rows_of(columns);  // rows that hold the column (or once did)
    std::vector<std::size_t> holding(columns, 0);            // rows that hold it now
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (const Entry& e : rows[r]) {
            rows_of[e.col].push_back(r);
            ++holding[e.col];
        }
    std::vector<bool> used(rows.size(), false);
    std::vector<std::size_t> pivot_row(columns, kNone);
    // The rows by length, shortest on top; an entry whose length is out of date is skipped.
    using Length = std::pair<std::size_t, std::size_t>;
    std::priority_queue<Length, std::vector<Length>, std::greater<>> shortest;
    for (std::size_t r = 0; r < rows.size(); ++r) shortest.push({rows[r].size(), r});
    auto find = [&](std::size_t r, std::size_t col) {
        auto it = std::lower_bound(rows[r].begin(), rows[r].end(), col,
                                   [](const Entry& e, std::size_t c) { return e.col < c; });
        return it != rows[r].end() && it->col == col ? it : rows[r].end();
    };
    for (;;) {
        while (!shortest.empty() &&
               (used[shortest.top().second] || rows[shortest.top().second].size() != shortest.top().first ||
                shortest.top().first == 0))
            shortest.pop();
        if (shortest.empty()) break;
        std::size_t p = shortest.top().second;
        const Entry* lead = nullptr;
        for (const Entry& e : rows[p])
            if (!lead || std::make_tuple(std::llabs(e.v) != 1, holding[e.col]) <
                             std::make_tuple(std::llabs(lead->v) != 1, holding[lead->col]))
                lead = &e;
        std::size_t col = lead->col;
        std::int64_t a = lead->v;
        used[p] = true;
        pivot_row[col] = p;
        for (std::size_t r : rows_of[col]) {
            if (r == p) continue;
            auto it = find(r, col);
            if (it == rows[r].end()) continue;
            std::int64_t g = std::gcd(a, it->v);
            Row next = combine(a / g, rows[r], it->v / g, rows[p]);
            // Keep the column index right: what the row gained and what it lost.
            std::size_t i = 0, j = 0;
            const Row& old = rows[r];
            while (i < old.size() || j < next.size()) {
                if (j == next.size() || (i < old.size() && old[i].col < next[j].col)) {
                    --holding[old[i++].col];
                } else if (i == old.size() || next[j].col < old[i].col) {
                    rows_of[next[j].col].push_back(r);
                    ++holding[next[j++].col];
                } else {
                    ++i;
                    ++j;
                }
            }
            rows[r] = std::move(next);
            if (!used[r]) shortest.push({rows[r].size(), r});
        }
        rows_of[col] = {p};
    }
    std::vector<bool> fixed(columns, false);
    for (std::size_t col = 0; col < columns; ++col)
        fixed[col] = pivot_row[col] != kNone && rows[pivot_row[col]].size() == 1;
    return fixed;
}

std::size_t root(std::vector<std::size_t>& parent, std::size_t c) {
    while (parent[c] != c) c = parent[c] = parent[parent[c]];
    return c;
}

// Everything a reader can work out: the peeled cells, then the exact reduction on what is left.
// Hidden cells linked by an equation form groups that do not depend on each other, so with
// min_cell only the groups holding a cell of 0 < n < min_cell are reduced (the others are left
// unknown: suppress() does not care about them).
std::vector<bool> known_cells(const System& s, const Table& t, const Peeled& peeled,
                              std::optional<std::int64_t> min_cell) {
    std::size_t cells = t.n.size();
    std::vector<std::size_t> parent(cells);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    for (const auto& eq : s.equations) {
        std::size_t first = kNone;
        for (const Term& term : eq) {
            if (peeled.known[term.cell]) continue;
            if (first == kNone)
                first = term.cell;
            else
                parent[root(parent, term.cell)] = root(parent, first);
        }
    }
    std::vector<bool> wanted(cells, !min_cell);
    if (min_cell)
        for (std::size_t c = 0; c < cells; ++c)
            if (!peeled.known[c] && sensitive(t.n[c], *min_cell)) wanted[root(parent, c)] = true;

    std::vector<std::size_t> column(cells, kNone);
    std::vector<std::size_t> cell_of;
    for (std::size_t c = 0; c < cells; ++c)
        if (!peeled.known[c] && wanted[root(parent, c)]) {
            column[c] = cell_of.size();
            cell_of.push_back(c);
        }
    std::vector<Row> rows;
    for (const auto& eq : s.equations) {
        Row row;
        for (const Term& term : eq)
            if (column[term.cell] != kNone) row.push_back({column[term.cell], term.coef});
        if (!row.empty()) rows.push_back(std::move(row));
    }
    std::vector<bool> known = peeled.known;
    std::vector<bool> fixed = fixed_columns(std::move(rows), cell_of.size());
    for (std::size_t col = 0; col < cell_of.size(); ++col) known[cell_of[col]] = fixed[col];
    return known;
}

// The shown cell that is cheapest to hide among the equations of `level`: a part before a total
// (the city, T and year figures are the most wanted), then one that would not be worked out at once
// from another of its equations (where every other cell is shown or worked out: hiding it there
// protects nothing until one more cell is hidden), then the smallest n. When those equations have no
// shown cell, the search moves to next(level), and so on.
template <class Next>
std::optional<std::size_t> cheapest_shown(const System& s, const Table& t, const std::vector<bool>& hidden,
                                          const std::vector<bool>& unknown, std::vector<std::size_t> level, Next next) {
    auto given_away_by = [&](std::size_t cell) {
        std::size_t equations = 0;
        for (std::size_t e : s.of_cell[cell])
            equations += std::none_of(s.equations[e].begin(), s.equations[e].end(),
                                      [&](const Term& term) { return term.cell != cell && unknown[term.cell]; });
        return equations;
    };
    std::vector<bool> seen(s.equations.size(), false);
    for (std::size_t e : level) seen[e] = true;
    while (!level.empty()) {
        std::optional<std::tuple<bool, std::size_t, std::int64_t, std::size_t>> best;
        for (std::size_t e : level)
            for (const Term& term : s.equations[e]) {
                if (hidden[term.cell]) continue;
                auto key = std::make_tuple(term.coef > 0, given_away_by(term.cell), t.n[term.cell], term.cell);
                if (!best || key < *best) best = key;
            }
        if (best) return std::get<3>(*best);
        std::vector<std::size_t> further;
        for (std::size_t e : level)
            for (const Term& term : s.equations[e])
                for (std::size_t f : next(term.cell))
                    if (!seen[f]) {
                        seen[f] = true;
                        further.push_back(f);
                    }
        level = std::move(further);
    }
    return std::nullopt;
}

// Cells hidden one by one to protect others, some of which later ones made unneeded: shown again,
// the most wanted first (the total of more sums, then the larger n), as long as no small cell can
// then be worked out along chains of single sums (the caller checks the rest exactly). A hidden
// cell that such chains give away protects nothing and is shown for free. Returns whether any was.
bool show_spare(const System& s, const Table& t, std::int64_t min_cell, std::vector<bool>& hidden,
                std::vector<CellStatus>& status) {
    std::vector<bool> known = peel(s, hidden).known;
    std::vector<std::size_t> unknown_in(s.equations.size(), 0);
    for (std::size_t e = 0; e < s.equations.size(); ++e)
        for (const Term& term : s.equations[e]) unknown_in[e] += !known[term.cell];
    std::vector<std::size_t> spare, totals(t.n.size(), 0);
    for (const auto& eq : s.equations)
        for (const Term& term : eq) totals[term.cell] += term.coef > 0;
    for (std::size_t c = 0; c < t.n.size(); ++c)
        if (status[c] == CellStatus::Protects) spare.push_back(c);
    std::sort(spare.begin(), spare.end(), [&](std::size_t a, std::size_t b) {
        return std::make_tuple(totals[a], t.n[a], b) > std::make_tuple(totals[b], t.n[b], a);
    });
    bool shown_any = false;
    std::vector<std::size_t> learnt, single;
    auto learn = [&](std::size_t cell) {
        known[cell] = true;
        learnt.push_back(cell);
        for (std::size_t e : s.of_cell[cell])
            if (--unknown_in[e] == 1) single.push_back(e);
    };
    for (std::size_t c : spare) {
        learnt.clear();
        single.clear();
        bool safe = true;
        if (!known[c]) learn(c);
        while (safe && !single.empty()) {
            std::size_t e = single.back();
            single.pop_back();
            if (unknown_in[e] != 1) continue;
            for (const Term& term : s.equations[e])
                if (!known[term.cell]) {
                    safe = !sensitive(t.n[term.cell], min_cell);
                    if (safe) learn(term.cell);
                    break;
                }
        }
        if (!safe) {  // undo what showing c would have given away
            for (std::size_t cell : learnt) {
                known[cell] = false;
                for (std::size_t e : s.of_cell[cell]) ++unknown_in[e];
            }
            continue;
        }
        hidden[c] = false;
        status[c] = CellStatus::Shown;
        shown_any = true;
    }
    return shown_any;
}

}  // namespace

std::vector<bool> derivable(const Table& table, const std::vector<bool>& hidden) {
    System s(table);
    return known_cells(s, table, peel(s, hidden), std::nullopt);
}

// Hidden cells are added until no small cell can be worked out. Most giveaways are local (an
// equation whose only hidden cell is small, or becomes so once others are worked out) and cost
// one pass over the equations to find; a round hides one cell per giveaway whose equations it has
// not touched yet. When there are none left, the cells that later ones made unneeded are shown
// again (once), and the exact reduction looks for the rest, only on groups of hidden cells that
// hold a small one. Every other round hides at least one more cell, so this ends.
std::vector<CellStatus> suppress(const Table& table, std::int64_t min_cell) {
    std::size_t cells = table.n.size();
    System s(table);
    std::vector<CellStatus> status(cells, CellStatus::Shown);
    std::vector<bool> hidden(cells, false);
    for (std::size_t c = 0; c < cells; ++c) {
        if (!table.published[c])
            status[c] = CellStatus::NotPublished;
        else if (sensitive(table.n[c], min_cell))
            status[c] = CellStatus::TooFew;
        hidden[c] = status[c] != CellStatus::Shown;
    }
    std::vector<bool> touched;
    std::vector<bool> unknown;  // hidden and not worked out, as far as this round knows
    auto hide = [&](std::optional<std::size_t> pick) {
        if (!pick) return false;
        hidden[*pick] = true;
        unknown[*pick] = true;
        status[*pick] = CellStatus::Protects;
        for (std::size_t e : s.of_cell[*pick]) touched[e] = true;
        return true;
    };
    auto untouched = [&](const std::vector<std::size_t>& equations) {
        return std::none_of(equations.begin(), equations.end(), [&](std::size_t e) { return touched[e]; });
    };
    static const std::vector<std::size_t> kNoEquations;
    bool spared = false;
    for (;;) {
        touched.assign(s.equations.size(), false);
        bool hid_any = false;
        Peeled peeled = peel(s, hidden);
        unknown.assign(cells, false);
        for (std::size_t c = 0; c < cells; ++c) unknown[c] = !peeled.known[c];
        // A small cell worked out along a chain of single equations: hide a shown cell of that
        // chain, nearest the small cell first.
        for (std::size_t c : peeled.order) {
            if (!sensitive(table.n[c], min_cell) || touched[peeled.via[c]]) continue;
            unknown[c] = true;  // what the cell to hide is for
            hid_any |= hide(cheapest_shown(s, table, hidden, unknown, {peeled.via[c]}, [&](std::size_t cell) {
                return peeled.via[cell] == kNone ? kNoEquations : std::vector<std::size_t>{peeled.via[cell]};
            }));
        }
        if (hid_any) continue;
        // Once: show again what cells hidden later made unneeded (chains of single sums checked).
        if (!spared) {
            spared = true;
            if (show_spare(s, table, min_cell, hidden, status)) continue;
        }
        // Only the exact reduction finds the rest: hide a shown cell next to each small cell it
        // finds (or one the chains above could not protect), or when its equations show nothing,
        // next to the hidden cells around it.
        std::vector<bool> known = known_cells(s, table, peeled, min_cell);
        for (std::size_t c = 0; c < cells; ++c) {
            if (!hidden[c] || !known[c] || !sensitive(table.n[c], min_cell)) continue;
            if (!untouched(s.of_cell[c])) continue;
            unknown[c] = true;
            hid_any |= hide(cheapest_shown(
                s, table, hidden, unknown, s.of_cell[c], [&](std::size_t cell) -> const auto& {
                    return hidden[cell] ? s.of_cell[cell] : kNoEquations;
                }));
        }
        if (!hid_any) return status;  // nothing small is exposed, or nothing is left to hide
    }
}

}  // namespace lkp::indicators
