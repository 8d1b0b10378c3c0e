#pragma once
// lkp-store's web site, on the API's port: the public results page and its stylesheet, the staff
// login, and behind it the kiosks, exports and (for admins) kiosk-token pages. Without a login a
// staff page answers 303 to the login form and a staff download 401. Every form that changes
// something carries a CSRF token. nullopt for every other path, which the API answers.
#include <chrono>
#include <optional>
#include <string>

#include "results_page.h"
#include "server/fleet_health.h"
#include "server/http_server.h"
#include "server/indicator_api.h"
#include "staff/staff_auth.h"

namespace lkp::server::web {

struct SiteOptions {
    std::string locale_dir;  // locales/store: LINGUAS and one PO file per language
    std::string asset_dir;   // assets/web: site.css
    bool tls = false;        // cookies are Secure when the store speaks HTTPS
    FleetThresholds fleet;   // when the kiosks page marks a kiosk stale or failing (--stale-after)
    staff::StaffAuthOptions login;
};

class Site {
  public:
    // Throws LoadError naming the file when a translation or the stylesheet cannot be read.
    Site(IndicatorTables& tables, StoreBackend& backend, const sync::SurveyCatalog& catalog, IndicatorApi& figures,
         const SiteOptions& options);
    std::optional<http::Route> route(const http::RequestHead& head);

  private:
    http::Route staff_route(const http::RequestHead& head);
    http::Reply login(const http::RequestHead& head, const std::string& body);
    http::Reply staff_page(const http::RequestHead& head, const std::string& body);

    StoreBackend& backend_;
    const sync::SurveyCatalog& catalog_;
    IndicatorApi& figures_;
    SiteOptions options_;
    Translations text_;
    std::string stylesheet_;
    ResultsPage results_;
    staff::StaffAuth auth_;
};

}  // namespace lkp::server::web
