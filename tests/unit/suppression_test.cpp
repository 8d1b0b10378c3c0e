// Disclosure control: small cells are hidden, and so are enough others that no hidden small cell
// follows from what is shown. The property test checks that on random tables with an independent
// test (a hidden cell is derivable exactly when adding "this cell" to the table's equations does
// not raise their rank).
#include "indicators/suppression.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <stdexcept>

#include "indicators/year_table.h"

namespace lkp::indicators {
namespace {

// The table's equations over its hidden cells (shown cells are constants), brought to row echelon
// form by Gaussian elimination: a hidden cell u is derivable exactly when "cell u" is a combination
// of them, that is, when adding that row would not raise their rank.
class Equations {
  public:
    Equations(const Table& t, const std::vector<bool>& hidden) : cells_(t.n.size()) {
        for (const auto& r : t.relations) {
            std::vector<double> row(cells_, 0.0);
            row[r.total] += 1;
            for (auto p : r.parts) row[p] -= 1;
            for (std::size_t c = 0; c < cells_; ++c)
                if (!hidden[c]) row[c] = 0;
            rows_.push_back(row);
        }
        std::size_t rank = 0;
        for (std::size_t col = 0; col < cells_ && rank < rows_.size(); ++col) {
            std::size_t best = rank;
            for (std::size_t r = rank; r < rows_.size(); ++r)
                if (std::fabs(rows_[r][col]) > std::fabs(rows_[best][col])) best = r;
            if (std::fabs(rows_[best][col]) < 1e-9) continue;
            std::swap(rows_[rank], rows_[best]);
            for (std::size_t r = rank + 1; r < rows_.size(); ++r) {
                double f = rows_[r][col] / rows_[rank][col];
                for (std::size_t k = col; k < cells_; ++k) rows_[r][k] -= f * rows_[rank][k];
            }
            pivots_.push_back(col);
            ++rank;
        }
    }

    // Reduces "cell u" by each row in turn, at its pivot; each later row is zero there, so what
    // is left is zero exactly when the row lies in their span.
    bool derivable(std::size_t u) const {
        std::vector<double> v(cells_, 0.0);
        v[u] = 1;
        for (std::size_t i = 0; i < pivots_.size(); ++i) {
            double f = v[pivots_[i]] / rows_[i][pivots_[i]];
            if (f != 0)
                for (std::size_t k = pivots_[i]; k < cells_; ++k) v[k] -= f * rows_[i][k];
        }
        return std::all_of(v.begin(), v.end(), [](double x) { return std::fabs(x) < 1e-9; });
    }

  private:
    std::size_t cells_;
    std::vector<std::vector<double>> rows_;
    std::vector<std::size_t> pivots_;  // of rows_[0..rank), rising
};

// Districts and the city × T, K, M and the unpublished rest × a year and its four quarters.
struct Grid {
    std::size_t districts;
    std::size_t at(std::size_t d, std::size_t g, std::size_t p) const { return (d * 4 + g) * 5 + p; }
    Table table(std::mt19937& rng) const {
        Table t;
        std::size_t cells = (districts + 1) * 4 * 5;
        t.n.assign(cells, 0);
        t.published.assign(cells, true);
        std::uniform_int_distribution<int> small(0, 14);
        for (std::size_t d = 0; d < districts; ++d)
            for (std::size_t g = 1; g < 4; ++g)
                for (std::size_t q = 1; q < 5; ++q) t.n[at(d, g, q)] = small(rng) < 6 ? small(rng) % 5 : small(rng);
        for (std::size_t d = 0; d <= districts; ++d)
            for (std::size_t p = 0; p < 5; ++p) t.published[at(d, 3, p)] = false;  // the rest: only in T
        auto sum_into = [&](std::size_t total, const std::vector<std::size_t>& parts) {
            t.relations.push_back({total, parts});
        };
        for (std::size_t d = 0; d < districts; ++d)
            for (std::size_t g = 1; g < 4; ++g) {
                std::vector<std::size_t> quarters;
                for (std::size_t q = 1; q < 5; ++q) quarters.push_back(at(d, g, q));
                for (auto q : quarters) t.n[at(d, g, 0)] += t.n[q];
                sum_into(at(d, g, 0), quarters);
            }
        for (std::size_t d = 0; d < districts; ++d)
            for (std::size_t p = 0; p < 5; ++p) {
                t.n[at(d, 0, p)] = t.n[at(d, 1, p)] + t.n[at(d, 2, p)] + t.n[at(d, 3, p)];
                sum_into(at(d, 0, p), {at(d, 1, p), at(d, 2, p), at(d, 3, p)});
            }
        for (std::size_t g = 0; g < 4; ++g)
            for (std::size_t p = 0; p < 5; ++p) {
                std::vector<std::size_t> parts;
                for (std::size_t d = 0; d < districts; ++d) parts.push_back(at(d, g, p));
                for (auto c : parts) t.n[at(districts, g, p)] += t.n[c];
                sum_into(at(districts, g, p), parts);
            }
        // The city's own T = K + M + rest and year = quarters follow from the others.
        return t;
    }
};

std::vector<bool> hidden_of(const std::vector<CellStatus>& s) {
    std::vector<bool> h(s.size());
    for (std::size_t c = 0; c < s.size(); ++c) h[c] = s[c] != CellStatus::Shown;
    return h;
}

TEST(Suppression, TotalMinusTheOtherPartsWouldRevealASmallPart) {
    // T = K + M + rest with rest unpublished: K 10, M 12, rest 2. Shown T, K and M give rest = 2.
    Table t{{24, 10, 12, 2}, {true, true, true, false}, {{0, {1, 2, 3}}}};
    auto s = suppress(t, 5);
    EXPECT_EQ(s[3], CellStatus::NotPublished);
    EXPECT_EQ(s[1], CellStatus::Protects) << "the smaller of K and M is hidden too";
    EXPECT_EQ(s[2], CellStatus::Shown);
    EXPECT_FALSE(derivable(t, hidden_of(s))[3]);
}

TEST(Suppression, ASmallDistrictTakesAnotherWithItAndNothingElse) {
    // The city 40 = 20 + 3 + 17: 3 is too few, 17 is hidden with it, 20 and the city stay.
    Table t{{40, 20, 3, 17}, {true, true, true, true}, {{0, {1, 2, 3}}}};
    auto s = suppress(t, 5);
    EXPECT_EQ(s[2], CellStatus::TooFew);
    EXPECT_EQ(s[3], CellStatus::Protects);
    EXPECT_EQ(s[0], CellStatus::Shown);
    EXPECT_EQ(s[1], CellStatus::Shown);
}

TEST(Suppression, NothingSmallNothingHiddenAndZeroIsNoSecret) {
    Table t{{10, 5, 5, 0}, {true, true, true, false}, {{0, {1, 2, 3}}}};
    auto s = suppress(t, 5);
    EXPECT_EQ(s[0], CellStatus::Shown);
    EXPECT_EQ(s[1], CellStatus::Shown);
    EXPECT_EQ(s[2], CellStatus::Shown);
}

TEST(Suppression, ACombinationOfSumsWithTwoHiddenCellsEachIsFoundToo) {
    // P = x + y, Q = y + z, R = x + z with y and z unpublished: no sum has a single hidden cell,
    // yet x = (P - Q + R) / 2 = 2. One of the three totals must go.
    Table t{{12, 20, 12, 2, 10, 10}, {true, true, true, true, false, false}, {{0, {3, 4}}, {1, {4, 5}}, {2, {3, 5}}}};
    EXPECT_TRUE(derivable(t, {false, false, false, true, true, true})[3]);
    auto s = suppress(t, 5);
    EXPECT_EQ(s[3], CellStatus::TooFew);
    EXPECT_EQ((s[0] == CellStatus::Protects) + (s[1] == CellStatus::Protects) + (s[2] == CellStatus::Protects), 1);
    EXPECT_FALSE(derivable(t, hidden_of(s))[3]);
}

TEST(Suppression, FourHiddenCellsInARectangleKeepEachOther) {
    // Rows a + b, c + d and columns a + c, b + d shown: any of the four could be one more or less.
    Table t{
        {5, 25, 11, 19, 2, 3, 9, 16}, std::vector<bool>(8, true), {{0, {4, 5}}, {1, {6, 7}}, {2, {4, 6}}, {3, {5, 7}}}};
    auto known = derivable(t, {false, false, false, false, true, true, true, true});
    for (std::size_t c = 4; c < 8; ++c) EXPECT_FALSE(known[c]) << c;
    auto s = suppress(t, 5);
    EXPECT_EQ(s[4], CellStatus::TooFew);
    EXPECT_EQ(s[5], CellStatus::TooFew);
    EXPECT_FALSE(derivable(t, hidden_of(s))[4]);
    EXPECT_FALSE(derivable(t, hidden_of(s))[5]);
}

TEST(Suppression, OnRandomTablesNoHiddenSmallCellCanBeDerived) {
    std::mt19937 rng(20261130);
    int tables = 0, small_cells = 0, protecting = 0;
    for (std::size_t districts : {2u, 3u, 5u, 8u})
        for (int round = 0; round < 25; ++round) {
            Grid grid{districts};
            Table t = grid.table(rng);
            for (std::int64_t min_cell : {3, 5}) {
                auto s = suppress(t, min_cell);
                auto hidden = hidden_of(s);
                Equations equations(t, hidden);
                ++tables;
                for (std::size_t c = 0; c < t.n.size(); ++c) {
                    bool small = t.n[c] > 0 && t.n[c] < min_cell;
                    if (small && t.published[c]) {
                        EXPECT_EQ(s[c], CellStatus::TooFew);
                    }
                    if (!small) continue;
                    ++small_cells;
                    ASSERT_TRUE(hidden[c]);
                    ASSERT_FALSE(equations.derivable(c))
                        << "cell " << c << " (n " << t.n[c] << ") follows from what is shown; districts " << districts;
                }
                for (auto st : s) protecting += st == CellStatus::Protects;
            }
        }
    EXPECT_EQ(tables, 200);
    EXPECT_GT(small_cells, 1000) << "the random tables must hold many small cells to mean anything";
    EXPECT_GT(protecting, 0);
}

// `count` answers from one area (a district or the residual one), gender (K, M or Rest) and month
// count in every cell that holds them, as the store adds them up: 2 areas × 2 genders × 4 periods.
void add_answers(const YearGrid& grid, std::vector<std::int64_t>& n, std::size_t area, std::size_t gender,
                 std::size_t month, std::int64_t count) {
    for (std::size_t a : {area, grid.city()})
        for (std::size_t g : {gender, std::size_t{YearGrid::T}})
            for (std::size_t p :
                 {YearGrid::kYear, YearGrid::half(month / 6), YearGrid::quarter(month / 3), YearGrid::month(month)})
                n[grid.cell(a, g, p)] += count;
}

TEST(YearGrid, EveryRelationHoldsForCountsAddedUpAnswerByAnswer) {
    YearGrid grid{41};
    EXPECT_EQ(grid.cells(), 43u * 4 * 19);
    std::mt19937 rng(7);
    std::vector<std::int64_t> n(grid.cells(), 0);
    std::uniform_int_distribution<std::size_t> area(0, grid.residual()), gender(1, 3), month(0, 11);
    for (int i = 0; i < 2000; ++i) {
        // One draw after the other: the order of a call's arguments is the compiler's choice.
        std::size_t m = month(rng), g = gender(rng), a = area(rng);
        add_answers(grid, n, a, g, m, 1);
    }
    Table t = grid.table(n);
    EXPECT_EQ(t.n[grid.cell(grid.city(), YearGrid::T, YearGrid::kYear)], 2000);
    // 4 × 19 city sums, 43 × 19 gender sums, 43 × 4 × (2 year splits + 2 halves + 4 quarters).
    EXPECT_EQ(t.relations.size(), 4u * 19 + 43 * 19 + 43 * 4 * 8);
    for (const auto& r : t.relations) {
        std::int64_t sum = 0;
        for (auto p : r.parts) sum += t.n[p];
        EXPECT_EQ(t.n[r.total], sum);
    }
    std::vector<int> as_total(grid.cells(), 0);
    for (const auto& r : t.relations) ++as_total[r.total];
    // The city's T year is the total of the city sum, the gender sum and both year splits.
    EXPECT_EQ(as_total[grid.cell(grid.city(), YearGrid::T, YearGrid::kYear)], 4);
    EXPECT_EQ(as_total[grid.cell(3, YearGrid::K, YearGrid::month(4))], 0) << "a district's month of K is a part only";
    EXPECT_EQ(as_total[grid.cell(3, YearGrid::K, YearGrid::quarter(1))], 1);
}

TEST(YearGrid, TheResidualAreaAndTheRestGroupAreNeverPublished) {
    YearGrid grid{3};
    Table t = grid.table(std::vector<std::int64_t>(grid.cells(), 10));
    for (std::size_t a = 0; a < grid.areas(); ++a)
        for (std::size_t g = 0; g < YearGrid::kGenders; ++g)
            for (std::size_t p = 0; p < YearGrid::kPeriods; ++p) {
                bool published = a != grid.residual() && g != YearGrid::Rest;
                EXPECT_EQ(t.published[grid.cell(a, g, p)], published) << a << " " << g << " " << p;
            }
    EXPECT_THROW(grid.table(std::vector<std::int64_t>(5, 0)), std::invalid_argument);
}

// The span of a table's equations over its hidden cells, in row echelon form (doubles, partial
// pivoting): a hidden cell follows from the shown ones exactly when its unit row lies in the span.
// Built once per table, so that every hidden cell of a year table can be checked.
class HiddenSpan {
  public:
    HiddenSpan(const Table& t, const std::vector<bool>& hidden) : column_(t.n.size(), t.n.size()) {
        for (std::size_t c = 0; c < t.n.size(); ++c)
            if (hidden[c]) column_[c] = columns_++;
        std::size_t columns = columns_;
        std::vector<std::vector<double>> rows;
        for (const auto& r : t.relations) {
            std::vector<double> row(columns, 0.0);
            if (hidden[r.total]) row[column_[r.total]] += 1;
            for (auto p : r.parts)
                if (hidden[p]) row[column_[p]] -= 1;
            rows.push_back(std::move(row));
        }
        for (std::size_t col = 0; col < columns && rows_.size() < rows.size(); ++col) {
            std::size_t top = rows_.size(), best = top;
            for (std::size_t r = top; r < rows.size(); ++r)
                if (std::fabs(rows[r][col]) > std::fabs(rows[best][col])) best = r;
            if (std::fabs(rows[best][col]) < 1e-9) continue;
            std::swap(rows[top], rows[best]);
            for (std::size_t r = top + 1; r < rows.size(); ++r) {
                if (std::fabs(rows[r][col]) < 1e-12) continue;
                double f = rows[r][col] / rows[top][col];
                for (std::size_t k = col; k < columns; ++k) rows[r][k] -= f * rows[top][k];
            }
            rows_.push_back(rows[top]);
            pivot_.push_back(col);
        }
    }
    bool holds_cell(std::size_t cell) const {
        std::vector<double> v(columns_, 0.0);
        v[column_[cell]] = 1;
        for (std::size_t r = 0; r < rows_.size(); ++r) {
            double f = v[pivot_[r]] / rows_[r][pivot_[r]];
            if (std::fabs(f) < 1e-12) continue;
            for (std::size_t k = pivot_[r]; k < v.size(); ++k) v[k] -= f * rows_[r][k];
        }
        for (double x : v)
            if (std::fabs(x) > 1e-6) return false;
        return true;
    }

  private:
    std::size_t columns_ = 0;
    std::vector<std::size_t> column_;  // of each hidden cell
    std::vector<std::vector<double>> rows_;
    std::vector<std::size_t> pivot_;
};

// A year of counts from one draw per district (and the residual area), gender and month.
Table year_table(const YearGrid& grid, std::mt19937& rng, bool sparse) {
    std::vector<std::int64_t> n(grid.cells(), 0);
    auto draw = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (std::size_t a = 0; a <= grid.residual(); ++a)
        for (std::size_t g : {YearGrid::K, YearGrid::M, YearGrid::Rest})
            for (std::size_t m = 0; m < 12; ++m) {
                int count = 0;
                if (sparse)  // most months of a district and gender have 0 to 4 answers
                    count = draw(0, 9) < 8 ? draw(0, 4) : draw(5, 15);
                else if (g == YearGrid::Rest || a == grid.residual())  // few say neither K nor M, or no district
                    count = draw(0, 8);
                else
                    count = draw(10, 60);
                add_answers(grid, n, a, g, m, count);
            }
    return grid.table(std::move(n));
}

TEST(Suppression, OnYearTablesNoHiddenSmallCellCanBeDerived) {
    YearGrid grid{6};
    std::mt19937 rng(20261201);
    for (bool sparse : {true, false}) {
        std::size_t hidden_cells = 0, all_cells = 0, small_cells = 0, agreeing = 0;
        for (int round = 0; round < 12; ++round) {
            Table t = year_table(grid, rng, sparse);
            for (std::int64_t min_cell : {3, 5}) {
                auto s = suppress(t, min_cell);
                auto hidden = hidden_of(s);
                HiddenSpan span(t, hidden);
                for (std::size_t c = 0; c < t.n.size(); ++c) {
                    bool small = t.n[c] > 0 && t.n[c] < min_cell;
                    if (!t.published[c]) {
                        EXPECT_EQ(s[c], CellStatus::NotPublished);
                    } else if (small) {
                        EXPECT_EQ(s[c], CellStatus::TooFew);
                    }
                    hidden_cells += hidden[c];
                    if (!small) continue;
                    ++small_cells;
                    ASSERT_FALSE(span.holds_cell(c))
                        << "cell " << c << " (n " << t.n[c] << ") follows from what is shown";
                }
                if (round < 2) {  // derivable() itself, on every hidden cell
                    auto known = derivable(t, hidden);
                    for (std::size_t c = 0; c < t.n.size(); ++c)
                        if (hidden[c]) {
                            ASSERT_EQ(known[c], span.holds_cell(c)) << "cell " << c;
                            agreeing += known[c];
                        }
                }
                all_cells += t.n.size();
            }
        }
        double share = static_cast<double>(hidden_cells) / static_cast<double>(all_cells);
        std::cout << (sparse ? "sparse" : "dense") << " year tables (6 districts): " << small_cells
                  << " small cells protected, " << share * 100 << " % of cells hidden\n";
        EXPECT_GT(small_cells, sparse ? 2000u : 500u) << "the tables must hold many small cells to mean anything";
        EXPECT_GT(agreeing, 0u) << "some hidden cells are derivable (e.g. a Rest of 0 or a large one)";
        // 27 % of a year table is never published; the sparse tables are mostly small cells.
        EXPECT_LT(share, sparse ? 0.65 : 0.5);
    }
}

TEST(Suppression, AYearTableWithNothingSmallHidesOnlyTheUnpublished) {
    YearGrid grid{6};
    std::vector<std::int64_t> n(grid.cells(), 0);
    for (std::size_t a = 0; a <= grid.residual(); ++a)
        for (std::size_t g : {YearGrid::K, YearGrid::M, YearGrid::Rest})
            for (std::size_t m = 0; m < 12; ++m) add_answers(grid, n, a, g, m, m % 3 == 0 ? 0 : 5 + m);
    auto s = suppress(grid.table(n), 5);
    for (std::size_t c = 0; c < s.size(); ++c) EXPECT_NE(s[c], CellStatus::Protects) << c;
}

TEST(Suppression, TheCitysYearTableKeepsEverySmallCellHidden) {
    YearGrid grid{41};
    for (std::int64_t answers : {600, 20'000}) {
        std::mt19937 rng(static_cast<unsigned>(answers));
        std::vector<std::int64_t> n(grid.cells(), 0);
        // 1 in 25 answers in Rest, so that even 20,000 a year leave many small Rest cells.
        std::uniform_int_distribution<std::size_t> district(0, grid.residual()), month(0, 11), gender(0, 49);
        auto k_m_or_rest = [&] {
            std::size_t g = gender(rng);
            return g < 2 ? YearGrid::Rest : g < 26 ? YearGrid::K : YearGrid::M;
        };
        for (std::int64_t i = 0; i < answers; ++i) {
            std::size_t m = month(rng), g = k_m_or_rest(), d = district(rng);
            add_answers(grid, n, d, g, m, 1);
        }
        Table t = grid.table(n);
        auto s = suppress(t, 5);
        auto hidden = hidden_of(s);
        auto known = derivable(t, hidden);
        std::size_t small_cells = 0;
        for (std::size_t c = 0; c < t.n.size(); ++c) {
            if (t.n[c] <= 0 || t.n[c] >= 5) continue;
            ++small_cells;
            ASSERT_TRUE(hidden[c]);
            ASSERT_FALSE(known[c]) << "cell " << c << " (n " << t.n[c] << ") follows from what is shown";
        }
        EXPECT_GT(small_cells, 300u);
    }
}

}  // namespace
}  // namespace lkp::indicators
