#pragma once
// What staff and analysts take out of lkp-store, from the command line or over HTTP: the indicator
// tables (after disclosure control, with the reference series beside them) and the raw responses
// (no token, no address; times cut to the day unless exact times are asked for). Every export is
// written to the audit log.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "indicator_tables.h"
#include "tables/writer.h"

namespace lkp::server {

struct ExportRequest {
    std::string survey_id;         // "" : the newest survey with indicators
    std::string from_day, to_day;  // YYYY-MM-DD, inclusive; "" is open
    std::optional<std::string> district;
    // Answers flagged synthetic, test or suspect, and in the indicators burst (the response export
    // has bursts anyway, with their flag).
    bool include_flagged = false;
    bool exact_times = false;                  // responses: the minute an answer was given, not only its day
    std::optional<indicators::Period> period;  // indicators: one kind of period; all four when not given
};

// A request that names something that does not exist or is badly formed (the CLI exits 2,
// HTTP answers 400 or 404).
class BadExportRequest : public std::runtime_error {
  public:
    BadExportRequest(int status, const std::string& what) : std::runtime_error(what), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};

// Language code -> its own name ("ti" -> "ትግርኛ"), from the X-Language-Name header of each
// translation (DIR/*.po). Empty when the folder cannot be read: the export then gives codes only.
using LanguageNames = std::map<std::string, std::string, std::less<>>;
LanguageNames read_language_names(const std::string& locale_dir);

// "YYYY-MM-DD" naming a real date.
bool is_day(const std::string& text);

// Checks the request against the catalog; throws BadExportRequest.
const Survey& check_export(const sync::SurveyCatalog& catalog, const ExportRequest& request);

// Both write one table and the "Om data" lines and finish the file; they return the rows
// written, and audit the export as `actor` did it.
std::int64_t export_indicators(IndicatorTables& tables, StoreBackend& backend, const sync::SurveyCatalog& catalog,
                               const ExportRequest& request, tables::Writer& out, const std::string& actor);
std::int64_t export_responses(StoreBackend& backend, const sync::SurveyCatalog& catalog, const LanguageNames& languages,
                              const ExportRequest& request, tables::Writer& out, const std::string& actor);

}  // namespace lkp::server
