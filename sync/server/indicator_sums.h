#pragma once
// What one stored answer adds to the survey's indicators, and what a sum of answers comes to.
// The store keeps these sums per (survey, indicator, district, Stockholm day, gender, flagged) as
// answers arrive, so an indicator for any period is a sum of days, never a scan of the answers.
// The indicators themselves are the survey file's own list (Survey::indicators).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/survey.h"
#include "indicators/interval.h"
#include "record/response.h"

namespace lkp::server {

// The answer to this question splits each indicator by gender as Kolada does: K, M, and the rest
// (another answer, or none) which only the total T includes.
inline constexpr const char* kGenderQuestion = "gender";

// Repeated answers at one kiosk, flagged there (issue 11): residents' answers all the same, so
// the response exports count them (with their flag), but the figures leave them out.
inline constexpr const char* kBurstFlag = "burst";

// What the store marks an answer whose kiosk's clock was clearly wrong (sync/protocol/batch.h:
// BatchClock): the store's mark, kept apart from the kiosk's flags (column clock_flag), shown as
// this flag in exports. Such an answer is real and counts in the figures, dated by receipt.
inline constexpr const char* kClockFlag = "clock";

// Answers carrying one of these flags (synthetic, test, suspect, burst) are kept out of the
// figures unless asked for.
bool is_flagged(const Response& r);
bool is_flagged(const std::vector<std::string>& flags);

struct Sums {
    std::int64_t n = 0;          // answers in the denominator
    std::int64_t numerator = 0;  // "share": answers counted as yes
    double sum = 0, sum_of_squares = 0;
    Sums& operator+=(const Sums& o);
    bool operator==(const Sums&) const = default;
};

struct DayKey {
    std::string survey_id, indicator;
    std::string district;  // "" when the resident did not say
    std::string day;       // YYYY-MM-DD in Stockholm
    std::string gender;    // the gender answer's value, "" when declined
    bool flagged = false;
    bool operator==(const DayKey&) const = default;
};

struct Contribution {
    DayKey key;
    Sums sums;
};

// One per indicator the answer feeds: a declined question, or an answer the indicator excludes,
// adds nothing to it. It counts on the Stockholm day of `dated_at` (store_backend.h: dated_at();
// "" is its submitted_at).
std::vector<Contribution> contributions(const Survey& survey, const Response& r, const std::string& dated_at = "");

// An indicator's figure from its sums: a share in percent, an index on 0..100, or a mean, with
// its 95 % interval (none below two answers). Before disclosure control.
struct Figure {
    std::optional<double> value;
    std::optional<indicators::Interval> interval;
};
Figure figure(const Survey& survey, const Indicator& indicator, const Sums& sums);

}  // namespace lkp::server
