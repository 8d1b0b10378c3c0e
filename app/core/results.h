#pragma once
// The figures shown back to residents on the attract screen ("Så här har helsingborgare svarat"):
// per indicator, the kiosk's own district and the whole city for one period, as lkp-store
// published them after disclosure control. The sync thread fetches them (sync/client/results_fetch.h)
// and keeps them in the data folder, so they survive restarts and network loss; the screens read
// only this model. One codec: the cache file's JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lkp {

// One published cell: a value, or none when the store hid it (too few answers) or had none.
struct ResultsFigure {
    std::optional<double> value;
    std::optional<std::int64_t> n;  // null when hidden: a count is a figure too
    std::string status;             // the store's: "shown", "too_few", "protects_another_cell", ...

    bool shown() const { return value.has_value(); }
    bool operator==(const ResultsFigure&) const = default;
};

struct ResultsRow {
    std::string indicator;  // the survey's indicator id
    ResultsFigure district, city;
    bool operator==(const ResultsRow&) const = default;
};

struct ResultsSnapshot {
    std::string survey_id;
    int survey_version = 0;
    std::string period_kind;  // "year", "half", "quarter" or "month"
    std::string period;       // the store's label, e.g. "2026"
    std::string district;     // the kiosk's own district code; empty: the city alone
    std::string fetched_at;   // UTC, ISO 8601
    std::vector<ResultsRow> rows;

    const ResultsRow* find(const std::string& indicator) const;
    bool operator==(const ResultsSnapshot&) const = default;
};

// The cache file's name in the kiosk's data folder.
inline constexpr const char* kResultsCacheFile = "results-cache.json";
std::string results_cache_path(const std::string& data_dir);

std::string results_to_json(const ResultsSnapshot& s);
// Reads what results_to_json wrote. nullopt with `problem` naming what is wrong (e.g.
// "rows[2].city.n is not a whole number >= 0") for anything else.
std::optional<ResultsSnapshot> results_from_json(const std::string& text, std::string& problem);

// Writes the cache whole or not at all (temporary name, fsync, rename). Throws std::runtime_error
// naming the file and the system's reason.
void save_results_cache(const std::string& path, const ResultsSnapshot& s);

// The cache as the kiosk reads it at start: nullopt when there is none, or when it cannot be
// used (unreadable, corrupt, of another survey or survey version); then `problem` says why in
// one line that names the file. No file is no problem: `problem` stays empty.
std::optional<ResultsSnapshot> load_results_cache(const std::string& path, const std::string& survey_id,
                                                  int survey_version, std::string& problem);

}  // namespace lkp
