#include "page.h"

#include <algorithm>
#include <cstdlib>

namespace lkp::server::web {

std::string PageText::fill(const std::string& id, const std::vector<std::string>& args) const {
    std::string pattern = (*this)(id), out;
    std::size_t next = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 's') {
            out += next < args.size() ? args[next++] : "";
            ++i;
        } else if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == '%') {
            out += '%';
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

std::string page_language(const Translations& translations, const http::RequestHead& head) {
    if (auto chosen = head.query_value("lang"); chosen && translations.has(*chosen)) return *chosen;
    // "en-GB,en;q=0.9,sv;q=0.8": the highest q that we have; a region falls back to its language.
    std::string best;
    double best_q = 0;
    std::string header = http::lower_case(head.header("accept-language"));
    std::size_t at = 0;
    while (at < header.size()) {
        std::size_t end = header.find(',', at);
        std::string item = header.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? header.size() : end + 1;
        std::string tag = item.substr(0, item.find(';'));
        tag.erase(std::remove(tag.begin(), tag.end(), ' '), tag.end());
        double q = 1;
        if (auto qp = item.find("q="); qp != std::string::npos) q = std::atof(item.c_str() + qp + 2);
        std::string language = tag.substr(0, tag.find('-'));
        if (q > best_q && translations.has(language)) {
            best = language;
            best_q = q;
        }
    }
    return best.empty() ? translations.source().language : best;
}

std::string page_html(const PageText& t, const PageFrame& f, const std::string& main_html) {
    // The link to the same page in the other language keeps the page's choices.
    std::string other = t.language() == "sv" ? "en" : "sv";
    Query q = f.query;
    std::erase_if(q, [](const auto& p) { return p.first == "lang"; });
    q.emplace_back("lang", other);

    std::string h = "<!DOCTYPE html>\n<html lang=\"" + escape(t.language()) +
                    "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\"><title>" +
                    escape(f.title) + " – " + escape(t("site.name")) +
                    "</title><link rel=\"stylesheet\" href=\"/static/site.css\"></head><body>";
    h += "<a class=\"skip\" href=\"#main\">" + escape(t("site.skip")) + "</a>";
    h += "<header><p class=\"site\"><a href=\"/" + query_string({{"lang", t.language() == "sv" ? "" : t.language()}}) +
         "\">" + escape(t("site.name")) + "</a></p><nav><ul>";
    auto item = [&](const std::string& key, const std::string& href) {
        bool here = f.active == key;
        h += "<li><a href=\"" + escape(href) + "\"" + (here ? " aria-current=\"page\"" : "") + ">" +
             escape(t("nav." + key)) + "</a></li>";
    };
    std::string lang_q = t.language() == "sv" ? "" : "?lang=" + t.language();
    item("results", "/" + lang_q);
    if (f.viewer) {
        item("kiosks", "/staff/kiosks" + lang_q);
        item("exports", "/staff/exports" + lang_q);
        if (f.viewer->admin) item("tokens", "/staff/tokens" + lang_q);
    } else {
        item("login", "/staff/login" + lang_q);
    }
    h += "<li><a href=\"" + escape(f.path + query_string(q)) + "\" lang=\"" + other + "\" hreflang=\"" + other + "\">" +
         escape(t("nav.language")) + "</a></li>";
    if (f.viewer)
        h += "<li><form method=\"post\" action=\"/staff/logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
             escape(f.viewer->csrf) + "\"><button type=\"submit\">" + escape(t("nav.logout")) + " (" +
             escape(f.viewer->name) + ")</button></form></li>";
    h += "</ul></nav></header><main id=\"main\"><h1>" + escape(f.title) + "</h1>" + main_html +
         "</main></body></html>\n";
    return h;
}

http::Reply error_page(const PageText& t, int status, const std::string& message, std::optional<Viewer> viewer) {
    std::string lang_q = t.language() == "sv" ? "" : "?lang=" + t.language();
    std::string main = "<p class=\"error\">" + escape(message) + "</p><p><a href=\"/" + lang_q + "\">" +
                       escape(t("error.back")) + "</a></p>";
    return html_reply(status, page_html(t, PageFrame{t("error.title"), "", "/", {}, std::move(viewer)}, main));
}

}  // namespace lkp::server::web
