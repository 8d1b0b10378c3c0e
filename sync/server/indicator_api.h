#pragma once
// The public, read-only figures of lkp-store. Kolada's routes and envelope, so the city's analysts
// read kiosk indicators with what they already use for Kolada (a KPI is an indicator of the
// survey file, an OU a district, the municipality the whole city), and /v1/indicators, our own,
// with every period kind and each cell's difference from the city and from the period before.
// Only figures after disclosure control leave here.
#include <optional>
#include <string>
#include <vector>

#include "exports.h"
#include "http_server.h"
#include "indicator_tables.h"
#include "protocol/batch.h"

namespace lkp::server {

// Kolada pages at most this many values per answer.
inline constexpr std::size_t kMaxPerPage = 5000;

class IndicatorApi {
  public:
    IndicatorApi(StoreBackend& backend, const sync::SurveyCatalog& catalog, IndicatorTables& tables,
                 LanguageNames languages = {});
    // nullopt: not one of these routes.
    std::optional<http::Route> route(const http::RequestHead& head);
    // Taken by each batch before it is stored, then what it added.
    std::shared_lock<std::shared_mutex> batch_hold() { return tables_.batch_hold(); }
    void answers_stored(const std::vector<DaySums>& added) { tables_.add(added); }
    // An export ("indicators" or "responses") as a download, filtered by the request's query like
    // /v1/exports/...; `actor` goes to the audit log. A bad filter is a 400 or 404 problem.
    http::Reply export_for(const std::string& what, const http::RequestHead& head, const std::string& actor);

  private:
    http::Reply kpis(const std::optional<std::string>& ids, const http::RequestHead& head);
    http::Reply municipality(const std::string& ids);
    http::Reply ous(const std::optional<std::string>& ids, const http::RequestHead& head);
    http::Reply data(const std::string& kind, const std::vector<std::string>& segments, const http::RequestHead& head);
    http::Reply indicators(const http::RequestHead& head);
    http::Route export_route(const http::RequestHead& head, const std::vector<std::string>& rest);
    http::Reply export_file(const std::string& what, const http::RequestHead& head, const std::string& actor);

    StoreBackend& backend_;
    const sync::SurveyCatalog& catalog_;
    IndicatorTables& tables_;
    LanguageNames languages_;
    std::string municipality_;  // the district list's municipality code, e.g. "1283"
};

}  // namespace lkp::server
