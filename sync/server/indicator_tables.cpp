#include "indicator_tables.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "indicators/interval.h"
#include "indicators/year_table.h"
#include "tokens.h"

namespace lkp::server {

namespace {

using indicators::CellStatus;
using indicators::Period;
using indicators::YearGrid;

int month_of(const std::string& month) { return std::stoi(month.substr(5, 2)); }  // "YYYY-MM"

// The periods of the table a month (1-12) adds to: its year, half, quarter and itself.
std::vector<std::size_t> periods_of_month(int month) {
    auto m = static_cast<std::size_t>(month - 1);
    return {YearGrid::kYear, YearGrid::half(m / 6), YearGrid::quarter(m / 3), YearGrid::month(m)};
}

Period kind_of(std::size_t period) {
    return period == YearGrid::kYear       ? Period::Year
           : period < YearGrid::quarter(0) ? Period::Half
           : period < YearGrid::month(0)   ? Period::Quarter
                                           : Period::Month;
}

// The first and last month (1-12) of a period of the table.
std::pair<int, int> months_of(std::size_t period) {
    switch (kind_of(period)) {
        case Period::Year:
            return {1, 12};
        case Period::Half: {
            int h = static_cast<int>(period - YearGrid::half(0));
            return {6 * h + 1, 6 * h + 6};
        }
        case Period::Quarter: {
            int q = static_cast<int>(period - YearGrid::quarter(0));
            return {3 * q + 1, 3 * q + 3};
        }
        case Period::Month: {
            int m = static_cast<int>(period - YearGrid::month(0)) + 1;
            return {m, m};
        }
    }
    return {1, 12};
}

std::string label(Period kind, int year, std::size_t period) {
    return indicators::period_label(
        kind, std::chrono::year_month_day{std::chrono::year{year},
                                          std::chrono::month{static_cast<unsigned>(months_of(period).first)},
                                          std::chrono::day{1}});
}

// "YYYY-MM-DD" of the first and last day of a period.
std::pair<std::string, std::string> bounds(int year, std::size_t period) {
    auto [first, last] = months_of(period);
    unsigned last_day = static_cast<unsigned>(std::chrono::year_month_day_last{
        std::chrono::year{year}, std::chrono::month_day_last{std::chrono::month{static_cast<unsigned>(
                                     last)}}}.day());
    char a[16], b[16];
    std::snprintf(a, sizeof a, "%04d-%02d-01", year, first);
    std::snprintf(b, sizeof b, "%04d-%02d-%02u", year, last, last_day);
    return {a, b};
}

}  // namespace

const char* status_name(CellStatus status) {
    switch (status) {
        case CellStatus::Shown:
            return "shown";
        case CellStatus::TooFew:
            return "too_few";
        case CellStatus::Protects:
            return "protects_another_cell";
        case CellStatus::NotPublished:
            return "not_published";
    }
    return "";
}

IndicatorTables::IndicatorTables(StoreBackend& backend, std::optional<DistrictList> districts, std::int64_t min_cell)
    : backend_(backend), districts_(std::move(districts)), min_cell_(min_cell) {
    if (districts_)
        for (std::size_t i = 0; i < districts_->districts.size(); ++i) area_of_[districts_->districts[i].code] = i;
    if (min_cell_ < kLowestMinCell)
        throw std::invalid_argument(
            "min_cell " + std::to_string(min_cell_) + " is below " + std::to_string(kLowestMinCell) +
            ": so few answers could point at one resident; use at least " + std::to_string(kLowestMinCell) +
            " (the default is " + std::to_string(kDefaultMinCell) + ")");
}

std::shared_lock<std::shared_mutex> IndicatorTables::batch_hold() { return std::shared_lock(batches_); }

// What a stored batch added, applied to the years in memory: 16 cells per day key (its area and
// the city, its gender and T, its year, half, quarter and month). Suppression is redone at the
// next query.
void IndicatorTables::add(const std::vector<DaySums>& added) {
    YearGrid layout{districts_ ? districts_->districts.size() : 0};
    std::lock_guard lock(cache_mutex_);
    for (const DaySums& d : added) {
        int year = std::stoi(d.key.day.substr(0, 4));
        for (bool with_flagged : {false, true}) {
            if (d.key.flagged && !with_flagged) continue;
            auto state = years_.find({d.key.survey_id, year, with_flagged});
            if (state == years_.end()) continue;  // not in memory: read from the database when asked for
            IndicatorYear& y = state->second.indicators[d.key.indicator];
            if (y.sums.empty()) {
                y.sums.resize(layout.cells());
                y.first.resize(layout.cells());
                y.last.resize(layout.cells());
            }
            add_month(layout, y, d.key.district, d.key.gender, std::stoi(d.key.day.substr(5, 2)), d.sums, d.key.day,
                      d.key.day);
            state->second.dirty = true;
        }
    }
}

void IndicatorTables::add_month(const YearGrid& layout, IndicatorYear& y, const std::string& district,
                                const std::string& gender_answer, int month, const Sums& sums,
                                const std::string& first_day, const std::string& last_day) const {
    auto known = area_of_.find(district);
    std::size_t area = known == area_of_.end() ? layout.residual() : known->second;
    std::size_t gender = gender_answer == "K" ? YearGrid::K : gender_answer == "M" ? YearGrid::M : YearGrid::Rest;
    for (std::size_t a : {area, layout.city()})
        for (std::size_t g : {gender, std::size_t{YearGrid::T}})
            for (std::size_t p : periods_of_month(month)) {
                std::size_t c = layout.cell(a, g, p);
                y.sums[c] += sums;
                if (y.first[c].empty() || first_day < y.first[c]) y.first[c] = first_day;
                if (last_day > y.last[c]) y.last[c] = last_day;
            }
}

// A year of every indicator of a survey, in memory: read from the day sums once, then kept up to
// date by add() as batches are stored, and read again after kReload (another process, such as a
// rebuild or a second store on the same PostgreSQL, may have written). Called with cache_mutex_
// held; releases it while the database is read.
IndicatorTables::YearState& IndicatorTables::year(std::unique_lock<std::mutex>& lock, const std::string& survey_id,
                                                  int year, bool with_flagged) {
    auto key = std::make_tuple(survey_id, year, with_flagged);
    auto now = std::chrono::steady_clock::now();
    auto found = years_.find(key);
    if (found != years_.end() && now - found->second.loaded < kReload) return found->second;

    lock.unlock();
    // No batch is between its commit and its add() while the year is read: each is either in what
    // is read, or added after.
    std::unique_lock no_batches(batches_);
    YearGrid layout{districts_ ? districts_->districts.size() : 0};
    char from[16], to[16];
    std::snprintf(from, sizeof from, "%04d-01-01", year);
    std::snprintf(to, sizeof to, "%04d-12-31", year);
    YearState state{.loaded = now};
    for (const MonthSums& m : backend_.month_sums({survey_id, from, to, with_flagged})) {
        IndicatorYear& y = state.indicators[m.indicator];
        if (y.sums.empty()) {
            y.sums.resize(layout.cells());
            y.first.resize(layout.cells());
            y.last.resize(layout.cells());
        }
        add_month(layout, y, m.district, m.gender, month_of(m.month), m.sums, m.first_day, m.last_day);
    }
    lock.lock();
    YearState& kept = years_[key];
    kept = std::move(state);
    return kept;
}

std::vector<Cell> IndicatorTables::cells(const IndicatorRequest& request) {
    const Survey& survey = *request.survey;
    std::size_t district_count = districts_ ? districts_->districts.size() : 0;
    YearGrid layout{district_count};

    // Whole years: a period that overlaps the request is computed whole, with its whole year,
    // and only years that hold answers are looked at.
    auto stored = backend_.sums_day_range(survey.id);
    if (!stored) return {};
    int first_year = std::stoi(stored->first.substr(0, 4)), last_year = std::stoi(stored->second.substr(0, 4));
    if (!request.from_day.empty()) first_year = std::max(first_year, std::stoi(request.from_day.substr(0, 4)));
    if (!request.to_day.empty()) last_year = std::min(last_year, std::stoi(request.to_day.substr(0, 4)));
    std::unique_lock lock(cache_mutex_);
    std::vector<Cell> out;
    for (int year = first_year; year <= last_year; ++year) {
        YearState& state = this->year(lock, survey.id, year, request.include_flagged);
        if (state.dirty) {  // suppression once per change, not per query
            for (auto& [indicator, y] : state.indicators) {
                std::vector<std::int64_t> n(layout.cells());
                for (std::size_t c = 0; c < n.size(); ++c) n[c] = y.sums[c].n;
                y.status = indicators::suppress(layout.table(n), min_cell_);
            }
            state.dirty = false;
        }
    }
    for (const Indicator& ind : survey.indicators) {
        for (int year = first_year; year <= last_year; ++year) {
            const YearState& state = years_.at({survey.id, year, request.include_flagged});
            auto found = state.indicators.find(ind.id);
            if (found == state.indicators.end()) continue;
            const IndicatorYear& y = found->second;
            const std::vector<CellStatus>& status = y.status;
            for (std::size_t p = 0; p < YearGrid::kPeriods; ++p) {
                if (kind_of(p) != request.period) continue;
                auto [first, last] = bounds(year, p);
                if ((!request.from_day.empty() && last < request.from_day) ||
                    (!request.to_day.empty() && first > request.to_day))
                    continue;
                if (y.sums[layout.cell(layout.city(), YearGrid::T, p)].n == 0) continue;  // nothing in it
                std::string period = label(request.period, year, p);
                for (std::size_t a = 0; a <= district_count; ++a) {
                    if (a < district_count && request.district && districts_->districts[a].code != *request.district)
                        continue;
                    std::size_t area = a < district_count ? a : layout.city();
                    for (std::size_t g : {YearGrid::T, YearGrid::K, YearGrid::M}) {
                        std::size_t c = layout.cell(area, g, p);
                        Cell cell{.indicator = ind.id,
                                  .area = a < district_count ? districts_->districts[a].code : "",
                                  .gender = kGenders[g],
                                  .period = period,
                                  .status = status[c]};
                        if (status[c] == CellStatus::Shown) {
                            cell.n = y.sums[c].n;
                            cell.sums = y.sums[c];
                            Figure f = figure(survey, ind, y.sums[c]);
                            cell.value = f.value;
                            if (f.interval) {
                                cell.ci_low = f.interval->low;
                                cell.ci_high = f.interval->high;
                            }
                            if (!y.first[c].empty()) {
                                cell.first_day = y.first[c];
                                cell.last_day = y.last[c];
                            }
                        }
                        out.push_back(std::move(cell));
                    }
                }
            }
        }
    }
    return out;
}

const Survey* newest_survey(const sync::SurveyCatalog& catalog, const std::string& id) {
    const Survey* best = nullptr;
    for (const Survey& s : catalog.surveys)
        if ((id.empty() ? !s.indicators.empty() : s.id == id) && (!best || s.version > best->version)) best = &s;
    return best;
}

const Survey* survey_of_indicator(const sync::SurveyCatalog& catalog, const std::string& indicator) {
    const Survey* best = nullptr;
    for (const Survey& s : catalog.surveys)
        for (const Indicator& i : s.indicators)
            if (i.id == indicator && (!best || s.version > best->version)) best = &s;
    return best;
}

indicators::Period period_named(const std::string& name) {
    if (name == "year") return Period::Year;
    if (name == "half") return Period::Half;
    if (name == "quarter") return Period::Quarter;
    if (name == "month") return Period::Month;
    throw std::invalid_argument("period '" + name + "' must be year, half, quarter or month");
}

std::optional<double> rounded(const std::optional<double>& v) {
    if (!v) return std::nullopt;
    return std::round(*v * 100) / 100;
}

std::string indicator_definitions(const sync::SurveyCatalog& catalog) {
    Json all = Json::array();
    for (const Survey& s : catalog.surveys)
        for (const Indicator& i : s.indicators)
            all.push_back(Json{{"survey", s.id},
                               {"version", s.version},
                               {"id", i.id},
                               {"kind", i.kind},
                               {"question", i.question},
                               {"numerator", i.numerator},
                               {"excluded", i.excluded},
                               {"gender_question", kGenderQuestion}});
    return "v1 " + body_hash(all.dump());
}

std::int64_t rebuild_indicator_sums(StoreBackend& backend, const sync::SurveyCatalog& catalog) {
    return backend.rebuild_sums(
        [&](const Response& r, const std::string& dated_at) {
            const Survey* s = catalog.find(r.survey_id, r.survey_version);
            return s ? contributions(*s, r, dated_at) : std::vector<Contribution>{};
        },
        indicator_definitions(catalog));
}

std::optional<Difference> difference(const Survey& survey, const Indicator& indicator, const Cell& a, const Cell& b,
                                     bool b_contains_a) {
    if (!a.value || !b.value || a.sums.n < 2 || b.sums.n < 2) return std::nullopt;
    Sums other = b.sums;
    double weight = 1;  // a - b = weight * (a - other)
    if (b_contains_a) {
        other.n -= a.sums.n;
        other.numerator -= a.sums.numerator;
        other.sum -= a.sums.sum;
        other.sum_of_squares -= a.sums.sum_of_squares;
        if (other.n < 2) return std::nullopt;  // the district is (almost) the whole city
        weight = static_cast<double>(other.n) / static_cast<double>(b.sums.n);
    }
    indicators::Interval ci;
    if (indicator.kind == "share") {
        ci = indicators::share_difference(a.sums.numerator, a.sums.n, other.numerator, other.n);
        ci = {100 * ci.low, 100 * ci.high};
    } else {
        ci = indicators::mean_difference(a.sums.n, a.sums.sum, a.sums.sum_of_squares, other.n, other.sum,
                                         other.sum_of_squares);
        if (indicator.kind == "index_0_100") {
            const Question* q = survey.find_question(indicator.question);
            double span = q ? q->scale.max - q->scale.min : 1;
            ci = {ci.low * 100 / span, ci.high * 100 / span};
        }
    }
    return Difference{*a.value - *b.value, {weight * ci.low, weight * ci.high}};
}

}  // namespace lkp::server
