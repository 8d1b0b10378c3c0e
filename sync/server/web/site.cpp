#include "site.h"

#include "core/load_error.h"
#include "server/api.h"

namespace lkp::server::web {

Site::Site(IndicatorTables& tables, StoreBackend& backend, const sync::SurveyCatalog& catalog, const SiteFiles& files)
    : text_(Translations::load(files.locale_dir)),
      stylesheet_(read_text_file(files.asset_dir + "/site.css")),
      results_(tables, backend, catalog, text_) {}

std::optional<http::Route> Site::route(const http::RequestHead& head) {
    bool results = head.path == "/", css = head.path == "/static/site.css";
    if (!results && !css) return std::nullopt;
    http::Route r;
    if (head.method != "GET" && head.method != "HEAD") {
        r.answer = http::problem(405, "Method not allowed", "this page accepts only GET");
        r.answer->headers.push_back({"Allow", "GET, HEAD"});
        return r;
    }
    if (css) {
        r.answer = http::Reply{.status = 200, .content_type = "text/css; charset=utf-8", .body = stylesheet_};
        r.answer->headers.push_back({"Cache-Control", "max-age=3600"});
        return r;
    }
    // Pages read the figures: on a worker, never on the connection loop.
    r.work = [this, head](std::string) -> http::Reply {
        try {
            return results_.render(head, std::nullopt);
        } catch (const Unavailable& e) {
            return storage_unavailable(e.what());
        }
    };
    return r;
}

}  // namespace lkp::server::web
