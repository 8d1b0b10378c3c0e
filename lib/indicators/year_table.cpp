#include "year_table.h"

#include <stdexcept>
#include <utility>

namespace lkp::indicators {

Table YearGrid::table(std::vector<std::int64_t> n) const {
    if (n.size() != cells()) throw std::invalid_argument("YearGrid::table: one count per cell");
    Table t;
    t.n = std::move(n);
    t.published.assign(cells(), true);
    for (std::size_t a = 0; a < areas(); ++a)
        for (std::size_t p = 0; p < kPeriods; ++p) t.published[cell(a, Rest, p)] = false;
    for (std::size_t g = 0; g < kGenders; ++g)
        for (std::size_t p = 0; p < kPeriods; ++p) t.published[cell(residual(), g, p)] = false;

    // Each sum holds for every value of the other two dimensions.
    for (std::size_t g = 0; g < kGenders; ++g)
        for (std::size_t p = 0; p < kPeriods; ++p) {
            Relation r{cell(city(), g, p), {}};
            for (std::size_t a = 0; a <= residual(); ++a) r.parts.push_back(cell(a, g, p));
            t.relations.push_back(std::move(r));
        }
    for (std::size_t a = 0; a < areas(); ++a)
        for (std::size_t p = 0; p < kPeriods; ++p)
            t.relations.push_back({cell(a, T, p), {cell(a, K, p), cell(a, M, p), cell(a, Rest, p)}});
    for (std::size_t a = 0; a < areas(); ++a)
        for (std::size_t g = 0; g < kGenders; ++g) {
            auto at = [&](std::size_t p) { return cell(a, g, p); };
            // Both splits of the year are published, so both sums are relations a reader can use.
            t.relations.push_back({at(kYear), {at(half(0)), at(half(1))}});
            t.relations.push_back({at(kYear), {at(quarter(0)), at(quarter(1)), at(quarter(2)), at(quarter(3))}});
            for (std::size_t h = 0; h < 2; ++h)
                t.relations.push_back({at(half(h)), {at(quarter(2 * h)), at(quarter(2 * h + 1))}});
            for (std::size_t q = 0; q < 4; ++q)
                t.relations.push_back({at(quarter(q)), {at(month(3 * q)), at(month(3 * q + 1)), at(month(3 * q + 2))}});
        }
    return t;
}

}  // namespace lkp::indicators
