#pragma once
// The figures that leave the store: every indicator of a survey per district and for the whole
// city, for T (everyone), K and M, per year, half-year, quarter or month, after disclosure
// control. They are added up from the day sums the backend keeps; a calendar year of one indicator
// is one table for suppression (every district, gender and period of it together), so no hidden
// cell follows from any published combination, whichever periods a reader asks for.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <vector>

#include "indicator_sums.h"
#include "indicators/stockholm_time.h"
#include "indicators/suppression.h"
#include "indicators/year_table.h"
#include "protocol/batch.h"
#include "store_backend.h"

namespace lkp::server {

// Kolada's genders: T is everyone, so also those who answered another gender or none.
inline constexpr const char* kGenders[] = {"T", "K", "M"};

// Below this many answers a cell is never shown; a smaller min_cell is refused.
inline constexpr std::int64_t kDefaultMinCell = 5;
inline constexpr std::int64_t kLowestMinCell = 3;

// Why the figures are only indicative: said under every table, chart and export.
inline constexpr const char* kSampleNote =
    "Svaren kommer från dem som själva valde att svara vid en kiosk (ett självvalt urval), inte från ett "
    "slumpmässigt urval av invånarna. Konfidensintervallen är därför bara vägledande.";
inline constexpr const char* kSampleNoteEnglish =
    "The answers come from residents who chose to answer at a kiosk (a self-selected sample), not from a random "
    "sample of residents, so the 95 % intervals are only indicative.";

struct Cell {
    std::string indicator;
    std::string area;  // a district code; "" for the whole city
    std::string gender;
    std::string period;  // "2026", "2026-H2", "2026-Q3", "2026-07"
    indicators::CellStatus status = indicators::CellStatus::Shown;
    // Set only when shown (n may be 0: no answers, no value).
    std::optional<std::int64_t> n;
    std::optional<double> value, ci_low, ci_high;
    std::optional<std::string> first_day, last_day;
    Sums sums;  // behind the figures, for differences; never sent as such
};

struct IndicatorRequest {
    const Survey* survey = nullptr;
    indicators::Period period = indicators::Period::Year;
    // Whole periods that overlap [from_day, to_day] (YYYY-MM-DD, inclusive; "" is open). A cell
    // is always a whole period: a part of one would be a new table to difference against.
    std::string from_day, to_day;
    bool include_flagged = false;
    std::optional<std::string> district;  // only this district (and the city)
};

class IndicatorTables {
  public:
    IndicatorTables(StoreBackend& backend, std::optional<DistrictList> districts, std::int64_t min_cell);
    std::int64_t min_cell() const { return min_cell_; }
    const std::optional<DistrictList>& districts() const { return districts_; }

    // Every published cell of every indicator of the survey for the request: each district of the
    // list, then the city, for T, K and M, periods in time order. Empty periods are left out.
    std::vector<Cell> cells(const IndicatorRequest& request);

    // Held by each batch from before its commit until add() has its sums: a year is never read
    // from the database between the two.
    std::shared_lock<std::shared_mutex> batch_hold();
    // What a stored batch added (StoreBackend's BatchAnswer::added).
    void add(const std::vector<DaySums>& added);

  private:
    // One indicator's year laid out as the suppression table (lib/indicators/year_table.h): every
    // area x gender x period, its sums, first and last answer day, and what suppression decided.
    struct IndicatorYear {
        std::vector<Sums> sums;
        std::vector<std::string> first, last;
        std::vector<indicators::CellStatus> status;
    };
    struct YearState {
        std::map<std::string, IndicatorYear> indicators;  // by indicator id
        bool dirty = true;                                // suppression not yet done for these sums
        std::chrono::steady_clock::time_point loaded;
    };
    YearState& year(std::unique_lock<std::mutex>& lock, const std::string& survey_id, int year, bool with_flagged);
    void add_month(const indicators::YearGrid& layout, IndicatorYear& y, const std::string& district,
                   const std::string& gender, int month, const Sums& sums, const std::string& first_day,
                   const std::string& last_day) const;

    // Kept in memory and added to by each batch; read again after this in case another process wrote.
    static constexpr std::chrono::minutes kReload{10};

    StoreBackend& backend_;
    std::optional<DistrictList> districts_;
    std::map<std::string, std::size_t> area_of_;  // district code -> its area in the table
    std::int64_t min_cell_;
    std::shared_mutex batches_;
    std::mutex cache_mutex_;
    std::map<std::tuple<std::string, int, bool>, YearState> years_;  // (survey id, year, with flagged)
};

// The difference a - b with its 95 % interval, for shown cells of the same indicator.
// `b_contains_a`: b is the city and a one of its districts; the interval is then that of a against
// the rest of the city, scaled by the rest's share, since a and the city are not independent.
struct Difference {
    double value;
    indicators::Interval interval;
};
std::optional<Difference> difference(const Survey& survey, const Indicator& indicator, const Cell& a, const Cell& b,
                                     bool b_contains_a);

const char* status_name(indicators::CellStatus status);  // "shown", "too_few", ...

// The newest version of a survey id; the newest survey that has indicators when `id` is empty;
// the newest survey that has this indicator. nullptr when there is none.
const Survey* newest_survey(const sync::SurveyCatalog& catalog, const std::string& id);
const Survey* survey_of_indicator(const sync::SurveyCatalog& catalog, const std::string& indicator);

// "year", "half", "quarter" or "month"; throws std::invalid_argument naming the choices.
indicators::Period period_named(const std::string& name);

// Two decimals: the figures are indicative, and the API, the exports and the web page must agree.
std::optional<double> rounded(const std::optional<double>& v);

// What the stored sums were computed for: the indicators of every survey file (a changed
// definition, or a new indicator, needs a rebuild). A hash, kept in meta by rebuild_sums.
std::string indicator_definitions(const sync::SurveyCatalog& catalog);
// Recomputes every sum from the stored answers; returns how many answers were read.
std::int64_t rebuild_indicator_sums(StoreBackend& backend, const sync::SurveyCatalog& catalog);

}  // namespace lkp::server
