#pragma once
// lkp-store's web site, on the API's port: the public results page, its stylesheet, and (behind
// the staff login) the kiosks, exports and kiosk-token pages. nullopt for every other path, which
// the API answers.
#include <optional>
#include <string>

#include "results_page.h"
#include "server/http_server.h"

namespace lkp::server::web {

struct SiteFiles {
    std::string locale_dir;  // locales/store: LINGUAS and one PO file per language
    std::string asset_dir;   // assets/web: site.css
};

class Site {
  public:
    // Throws LoadError naming the file when a translation or the stylesheet cannot be read.
    Site(IndicatorTables& tables, StoreBackend& backend, const sync::SurveyCatalog& catalog, const SiteFiles& files);
    std::optional<http::Route> route(const http::RequestHead& head);

  private:
    Translations text_;
    std::string stylesheet_;
    ResultsPage results_;
};

}  // namespace lkp::server::web
