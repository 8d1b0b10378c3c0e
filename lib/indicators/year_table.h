#pragma once
// The table the store publishes per indicator and calendar year: every area × gender × period of
// that year, with the sums that tie them together, ready for suppress(). Areas are the city's
// published districts, one area for answers without a district (never published: it is what is
// left once the districts are subtracted from the city) and the city itself. Genders are T (all),
// K, M and Rest (other or declined; never published, it is T minus K minus M).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "indicators/suppression.h"

namespace lkp::indicators {

struct YearGrid {
    std::size_t districts;  // published districts: areas 0 .. districts - 1

    // Areas after the districts.
    std::size_t residual() const { return districts; }  // no district given; not published
    std::size_t city() const { return districts + 1; }  // all districts + the residual area
    std::size_t areas() const { return districts + 2; }

    enum Gender : std::size_t { T = 0, K = 1, M = 2, Rest = 3 };  // T = K + M + Rest
    static constexpr std::size_t kGenders = 4;

    // Periods: the year, its halves, quarters and months (i counts from 0).
    static constexpr std::size_t kYear = 0;
    static constexpr std::size_t half(std::size_t i) { return 1 + i; }
    static constexpr std::size_t quarter(std::size_t i) { return 3 + i; }
    static constexpr std::size_t month(std::size_t i) { return 7 + i; }
    static constexpr std::size_t kPeriods = 19;

    std::size_t cells() const { return areas() * kGenders * kPeriods; }
    std::size_t cell(std::size_t area, std::size_t gender, std::size_t period) const {
        return (area * kGenders + gender) * kPeriods + period;
    }

    // The table of these counts (n[cell(a, g, p)], every total equal to the sum of its parts):
    // which cells may be published, and every sum relation.
    Table table(std::vector<std::int64_t> n) const;
};

}  // namespace lkp::indicators
