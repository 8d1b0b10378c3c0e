#pragma once
// The public results page: each indicator per district as bars with their 95 % intervals and the
// city's line, a trend per quarter for the city and a chosen district beside the reference series
// imported from Kolada, and under every chart the note on the self-selected sample. Only figures
// after disclosure control appear, exactly as the public API gives them. Survey, period, gender
// and district are chosen in the URL, so a view can be bookmarked and shared.
#include <optional>

#include "page.h"
#include "server/indicator_tables.h"

namespace lkp::server::web {

class ResultsPage {
  public:
    ResultsPage(IndicatorTables& tables, StoreBackend& backend, const sync::SurveyCatalog& catalog,
                const Translations& text)
        : tables_(tables), backend_(backend), catalog_(catalog), text_(text) {}
    http::Reply render(const http::RequestHead& head, const std::optional<Viewer>& viewer);

  private:
    IndicatorTables& tables_;
    StoreBackend& backend_;
    const sync::SurveyCatalog& catalog_;
    const Translations& text_;
};

// "2026 K3" / "2026 Q3", "2026 H2", "2026-07", "2026": a period label for people.
std::string period_for_people(const std::string& label, const std::string& language);

}  // namespace lkp::server::web
