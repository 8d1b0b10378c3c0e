#include "site.h"

#include <set>

#include "core/load_error.h"
#include "form.h"
#include "server/api.h"
#include "server/tokens.h"
#include "staff/secrets.h"
#include "staff/session_cookie.h"
#include "staff_pages.h"

namespace lkp::server::web {

namespace {

// Ties the login form to the browser that asked for it: the same random value in a cookie and in
// the form (the session's own CSRF token protects every form after the login).
constexpr const char* kFormCookie = "lkp_form";
constexpr std::size_t kFormLimit = 8 * 1024;  // a login or token form; more is refused with 413

http::Reply with_cookie(http::Reply r, const std::string& set_cookie) {
    r.headers.push_back({"Set-Cookie", set_cookie});
    return r;
}

std::string lang_query(const PageText& t) { return t.language() == "sv" ? "" : "?lang=" + t.language(); }

const std::set<std::string> kPages = {"/staff/kiosks", "/staff/exports", "/staff/tokens"};
const std::set<std::string> kDownloads = {"/staff/exports/indicators", "/staff/exports/responses"};

}  // namespace

Site::Site(IndicatorTables& tables, StoreBackend& backend, const sync::SurveyCatalog& catalog, IndicatorApi& figures,
           const SiteOptions& options)
    : backend_(backend),
      catalog_(catalog),
      figures_(figures),
      options_(options),
      text_(Translations::load(options.locale_dir)),
      stylesheet_(read_text_file(options.asset_dir + "/site.css")),
      results_(tables, backend, catalog, text_),
      auth_(backend, options.login) {}

std::optional<http::Route> Site::route(const http::RequestHead& head) {
    const std::string& p = head.path;
    bool ours = p == "/" || p == "/static/site.css" || p == "/staff" || p.rfind("/staff/", 0) == 0;
    if (!ours) return std::nullopt;
    http::Route r;
    bool post_allowed = p == "/staff/login" || p == "/staff/logout" || p == "/staff/tokens";
    if (head.method != "GET" && head.method != "HEAD" && !(post_allowed && head.method == "POST")) {
        r.answer = http::problem(405, "Method not allowed",
                                 post_allowed ? "this page accepts GET and POST" : "this page accepts only GET");
        r.answer->headers.push_back({"Allow", post_allowed ? "GET, HEAD, POST" : "GET, HEAD"});
        return r;
    }
    if (p == "/static/site.css") {
        r.answer = http::Reply{.status = 200, .content_type = "text/css; charset=utf-8", .body = stylesheet_};
        r.answer->headers.push_back({"Cache-Control", "max-age=3600"});
        return r;
    }
    if (p == "/") {
        // Pages read the figures: on a worker, never on the connection loop.
        r.work = [this, head](std::string) {
            // A member of staff sees their own links; the public page needs no database read for that.
            std::optional<Viewer> viewer;
            if (auto id = staff::session_cookie_value(head))
                if (auto s = auth_.session(*id, head.client, std::chrono::system_clock::now()))
                    viewer = Viewer{s->member.name, s->member.admin, s->csrf_token};
            return results_.render(head, viewer);
        };
        return r;
    }
    return staff_route(head);
}

http::Route Site::staff_route(const http::RequestHead& head) {
    http::Route r;
    const std::string& p = head.path;
    if (p != "/staff" && p != "/staff/login" && p != "/staff/logout" && !kPages.count(p) && !kDownloads.count(p)) {
        PageText t(text_, page_language(text_, head));
        r.answer = error_page(t, 404, t("error.no_page"), std::nullopt);
        return r;
    }
    r.body_limit = head.method == "POST" ? kFormLimit : 0;
    if (p == "/staff/login")
        r.work = [this, head](std::string body) { return login(head, body); };
    else
        r.work = [this, head](std::string body) { return staff_page(head, body); };
    return r;
}

http::Reply Site::login(const http::RequestHead& head, const std::string& body) {
    PageText t(text_, page_language(text_, head));
    auto form_page = [&](int status, const std::string& name, const std::string& message) {
        std::string token = staff::new_secret();
        http::Reply reply =
            html_reply(status, page_html(t, PageFrame{t("login.title"), "login", "/staff/login", {}, std::nullopt},
                                         login_html(t, token, name, message)));
        return with_cookie(std::move(reply), std::string(kFormCookie) + "=" + token +
                                                 "; Path=/staff/login; HttpOnly; SameSite=Strict; Max-Age=3600" +
                                                 (options_.tls ? "; Secure" : ""));
    };
    if (head.method != "POST") return form_page(200, "", "");
    auto form = Form::parse(body);
    if (!form || head.header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0)
        return form_page(400, "", t("login.bad_form"));
    auto expected = staff::secret_cookie_value(head, kFormCookie);
    if (!expected || form->value("form") != *expected)
        return form_page(403, form->value("name"), t("login.stale_form"));
    auto result =
        auth_.login(form->value("name"), form->value("password"), head.client, std::chrono::system_clock::now());
    if (result.outcome == staff::LoginResult::Outcome::Locked) {
        http::Reply reply = form_page(429, form->value("name"), result.message());
        reply.headers.push_back({"Retry-After", std::to_string(std::max<long long>(1, result.wait.count()))});
        return reply;
    }
    if (!result.ok()) return form_page(401, form->value("name"), result.message());
    http::Reply reply = see_other("/staff/kiosks" + lang_query(t));
    reply.headers.push_back(
        {"Set-Cookie", staff::session_cookie(result.session_id, options_.tls, auth_.options().absolute_expiry)});
    reply.headers.push_back({"Set-Cookie", std::string(kFormCookie) + "=; Path=/staff/login; Max-Age=0"});
    return reply;
}

http::Reply Site::staff_page(const http::RequestHead& head, const std::string& body) {
    PageText t(text_, page_language(text_, head));
    const std::string& p = head.path;
    auto now = std::chrono::system_clock::now();
    std::optional<staff::StaffSession> session;
    auto id = staff::session_cookie_value(head);
    if (id) session = auth_.session(*id, head.client, now);
    if (!session) {
        if (kDownloads.count(p)) return http::problem(401, "Unauthorized", "log in as staff at /staff/login first");
        if (p == "/staff/logout") return see_other("/" + lang_query(t));
        return see_other("/staff/login" + lang_query(t));
    }
    Viewer viewer{session->member.name, session->member.admin, session->csrf_token};
    std::string actor = "staff:" + viewer.name;

    // Every POST carries the session's CSRF token in its form.
    std::optional<Form> form;
    if (head.method == "POST") {
        form = Form::parse(body);
        if (!form || !staff::StaffAuth::csrf_ok(*session, form->value("csrf")))
            return error_page(t, 403, t("error.csrf"), viewer);
    }
    if (p == "/staff/logout") {
        auth_.logout(*id, head.client, now);
        return with_cookie(see_other("/" + lang_query(t)), staff::clearing_session_cookie(options_.tls));
    }
    if (p == "/staff" || p == "/staff/kiosks") {
        return html_reply(200, page_html(t, PageFrame{t("kiosks.title"), "kiosks", "/staff/kiosks", {}, viewer},
                                         kiosks_html(t, backend_.fleet(kKioskPageDays, now), options_.fleet, now)));
    }
    if (p == "/staff/exports")
        return html_reply(200, page_html(t, PageFrame{t("exports.title"), "exports", "/staff/exports", {}, viewer},
                                         exports_html(t, catalog_)));
    if (kDownloads.count(p)) return figures_.export_for(p.substr(p.rfind('/') + 1), head, actor);

    // /staff/tokens: admins only.
    if (!viewer.admin) return error_page(t, 403, t("error.admin_only"), viewer);
    std::optional<std::pair<std::string, std::string>> made;
    std::string message;
    int status = 200;
    if (form) {
        std::string kiosk = form->value("kiosk"), action = form->value("action");
        std::string stamp = format_utc(now);
        if (!staff::valid_staff_name(kiosk)) {
            message = t.fill("tokens.bad_name", {kiosk});
            status = 400;
        } else if (action == "add") {
            std::string token = new_token();
            try {
                bool again = backend_.add_kiosk(kiosk, token_hash(token), stamp) == KioskAdded::AgainAfterRevoke;
                backend_.audit(
                    {stamp, actor, again ? "kiosk re-added" : "kiosk added", kiosk + " from " + head.client});
                made.emplace(kiosk, token);
            } catch (const Unavailable&) {
                throw;
            } catch (const std::runtime_error&) {
                message = t.fill("tokens.in_use", {kiosk});
                status = 409;
            }
        } else if (action == "revoke") {
            if (backend_.revoke_kiosk(kiosk, stamp)) {
                backend_.audit({stamp, actor, "kiosk revoked", kiosk + " from " + head.client});
                message = t.fill("tokens.revoked_now", {kiosk});
            } else {
                message = t.fill("tokens.unknown", {kiosk});
                status = 404;
            }
        } else {
            message = t("login.bad_form");
            status = 400;
        }
    }
    return html_reply(status, page_html(t, PageFrame{t("tokens.title"), "tokens", "/staff/tokens", {}, viewer},
                                        tokens_html(t, viewer, backend_.kiosks(), made, message)));
}

}  // namespace lkp::server::web
