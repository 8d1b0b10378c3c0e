#include "staff_pages.h"

#include <algorithm>

#include "record/utc.h"

namespace lkp::server::web {

namespace {

std::string hidden(const std::string& name, const std::string& value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">";
}

std::string lang_field(const PageText& t) { return t.language() == "sv" ? "" : hidden("lang", t.language()); }

std::string ago(const PageText& t, std::int64_t seconds) {
    if (seconds < 120) return t.fill("time.seconds", {std::to_string(seconds)});
    if (seconds < 2 * 3600) return t.fill("time.minutes", {std::to_string(seconds / 60)});
    if (seconds < 2 * 86400) return t.fill("time.hours", {std::to_string(seconds / 3600)});
    return t.fill("time.days", {std::to_string(seconds / 86400)});
}

std::string megabytes(std::int64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MB"; }

}  // namespace

std::string login_html(const PageText& t, const std::string& form_token, const std::string& name,
                       const std::string& message) {
    std::string h;
    if (!message.empty()) h += "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>";
    h += "<form class=\"login\" method=\"post\" action=\"/staff/login\">" + hidden("form", form_token) + lang_field(t) +
         "<label>" + escape(t("login.name")) +
         " <input name=\"name\" autocomplete=\"username\" required maxlength=\"64\" value=\"" + escape(name) +
         "\"></label><label>" + escape(t("login.password")) +
         " <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"1024\">"
         "</label><button type=\"submit\">" +
         escape(t("login.submit")) + "</button></form><p class=\"note\">" + escape(t("login.note")) + "</p>";
    return h;
}

std::string kiosks_html(const PageText& t, std::vector<KioskHealth> fleet, const FleetThresholds& thresholds,
                        std::chrono::system_clock::time_point now) {
    struct Row {
        KioskHealth health;
        KioskVerdict verdict;
    };
    std::vector<Row> rows;
    for (KioskHealth& k : fleet) {
        KioskVerdict v = classify(k.kiosk, thresholds, now);
        if (v.state != KioskState::Revoked) rows.push_back({std::move(k), v});
    }
    // Kiosks that need someone at the top, then by name.
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        bool a_bad = a.verdict.state != KioskState::Ok, b_bad = b.verdict.state != KioskState::Ok;
        if (a_bad != b_bad) return a_bad;
        return a.health.kiosk.name < b.health.kiosk.name;
    });
    std::size_t failing = 0;
    for (const Row& r : rows) failing += r.verdict.state != KioskState::Ok;
    std::string h = "<p class=\"summary\">" +
                    escape(t.fill("kiosks.summary", {std::to_string(rows.size()), std::to_string(failing)})) + " " +
                    escape(t.fill("kiosks.stale_after", {std::to_string(thresholds.stale_after.count())})) + "</p>";
    if (rows.empty()) return h + "<p class=\"empty\">" + escape(t("kiosks.none")) + "</p>";
    h +=
        "<div class=\"wide\"><table class=\"kiosks\"><caption>" + escape(t("kiosks.caption")) + "</caption><thead><tr>";
    for (const char* col : {"kiosks.col.kiosk", "kiosks.col.status", "kiosks.col.heartbeat", "kiosks.col.version",
                            "kiosks.col.waiting", "kiosks.col.oldest", "kiosks.col.rejected", "kiosks.col.disk",
                            "kiosks.col.clock", "kiosks.col.answers", "kiosks.col.error"})
        h += "<th scope=\"col\">" + escape(t(col)) + "</th>";
    h += "</tr></thead><tbody>";
    std::string details;
    for (const Row& r : rows) {
        const KioskInfo& k = r.health.kiosk;
        bool bad = r.verdict.state != KioskState::Ok;
        std::string status;
        for (const auto& reason : r.verdict.reasons)
            status += (status.empty() ? "" : ", ") + t("kiosks.problem." + reason);
        std::int64_t answers = 0;
        for (const KioskDay& d : r.health.days) answers += d.answers;
        h += std::string("<tr") + (bad ? " class=\"failing\"" : "") + "><th scope=\"row\"><a href=\"#kiosk-" +
             escape(k.name) + "\">" + escape(k.name) + "</a></th><td>" +
             (bad ? "<strong>⚠ " + escape(status) + "</strong>" : "✓ " + escape(t("kiosks.ok"))) + "</td>";
        auto received = parse_utc(k.heartbeat_received_at);
        h += "<td>" +
             (received
                  ? escape(t.fill("time.ago",
                                  {ago(t, std::chrono::duration_cast<std::chrono::seconds>(now - *received).count())}))
                  : escape(t("kiosks.never"))) +
             "</td>";
        // The heartbeat's skew, and beside it the last batch's, which decides whether its answers
        // were dated by the store's clock (flag "clock").
        std::string clock =
            r.health.clock_skew_s ? escape(t.fill("kiosks.skew", {std::to_string(*r.health.clock_skew_s)})) : "–";
        if (r.health.batch_clock_skew_s)
            clock += "<br>" + escape(t.fill("kiosks.batch_skew", {std::to_string(*r.health.batch_clock_skew_s)}));
        if (const auto& hb = k.heartbeat) {
            h += "<td>" + escape(hb->program_version) + "</td><td>" + std::to_string(hb->unsent) + "</td><td>" +
                 (hb->oldest_unsent_age_s ? escape(ago(t, *hb->oldest_unsent_age_s)) : "–") + "</td><td>" +
                 std::to_string(hb->rejected) + "</td><td>" +
                 (hb->free_disk_bytes ? megabytes(*hb->free_disk_bytes) : "–") + "</td><td>" + clock + "</td><td>" +
                 std::to_string(answers) + "</td><td>" + escape(hb->last_error) + "</td>";
        } else {
            h += "<td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>" + clock + "</td><td>" +
                 std::to_string(answers) + "</td><td></td>";
        }
        h += "</tr>";

        // Under the table: the kiosk's days, where residents stopped, why answers were rejected.
        details += "<section class=\"kiosk\" id=\"kiosk-" + escape(k.name) + "\"><h2>" + escape(k.name) + "</h2>";
        // What the status column calls "database moved aside", with the count and what to do.
        if (k.heartbeat && k.heartbeat->quarantined_databases.value_or(0) > 0)
            details += "<p><strong>⚠ " +
                       escape(t.fill("kiosks.moved_aside", {std::to_string(*k.heartbeat->quarantined_databases)})) +
                       "</strong></p>";
        auto per_day = sessions_per_day(r.health);
        details += "<div class=\"wide\"><table class=\"days\"><caption>" +
                   escape(t.fill("kiosks.days_caption", {std::to_string(r.health.days.size())})) +
                   "</caption><thead><tr><th scope=\"row\">" + escape(t("kiosks.day")) + "</th>";
        for (const KioskDay& d : r.health.days) details += "<th scope=\"col\">" + escape(d.day.substr(5)) + "</th>";
        details += "</tr></thead><tbody><tr><th scope=\"row\">" + escape(t("kiosks.answers")) + "</th>";
        for (const KioskDay& d : r.health.days) details += "<td>" + std::to_string(d.answers) + "</td>";
        details += "</tr><tr><th scope=\"row\">" + escape(t("kiosks.started")) + "</th>";
        for (const auto& s : per_day) details += "<td>" + (s ? std::to_string(s->started) : "–") + "</td>";
        details += "</tr><tr><th scope=\"row\">" + escape(t("kiosks.completed")) + "</th>";
        for (const auto& s : per_day) details += "<td>" + (s ? std::to_string(s->completed) : "–") + "</td>";
        details += "</tr></tbody></table></div>";
        if (k.heartbeat && k.heartbeat->sessions) {
            const sync::SessionCounts& s = *k.heartbeat->sessions;
            details += "<p>" +
                       escape(t.fill("kiosks.funnel", {std::to_string(s.started), std::to_string(s.completed),
                                                       std::to_string(s.abandoned)})) +
                       "</p>";
            if (!s.abandoned_at.empty()) {
                details += "<table class=\"funnel\"><caption>" + escape(t("kiosks.abandoned_caption")) +
                           "</caption><thead><tr><th scope=\"col\">" + escape(t("kiosks.step")) +
                           "</th><th scope=\"col\">" + escape(t("kiosks.sessions")) + "</th></tr></thead><tbody>";
                for (const auto& [step, n] : s.abandoned_at)
                    details += "<tr><th scope=\"row\">" + escape(step) + "</th><td>" + std::to_string(n) + "</td></tr>";
                details += "</tbody></table>";
            }
        } else {
            details += "<p class=\"note\">" + escape(t("kiosks.no_sessions")) + "</p>";
        }
        if (k.heartbeat && !k.heartbeat->rejected_reasons.empty()) {
            details += "<table class=\"reasons\"><caption>" + escape(t("kiosks.reasons_caption")) +
                       "</caption><thead><tr><th scope=\"col\">" + escape(t("kiosks.reason")) +
                       "</th><th scope=\"col\">" + escape(t("kiosks.count")) + "</th></tr></thead><tbody>";
            for (const auto& reason : k.heartbeat->rejected_reasons)
                details += "<tr><td>" + escape(reason.code) +
                           (reason.field.empty() ? "" : " (" + escape(reason.field) + ")") + ": " +
                           escape(reason.reason) + "</td><td>" + std::to_string(reason.count) + "</td></tr>";
            details += "</tbody></table>";
        }
        details += "</section>";
    }
    return h + "</tbody></table></div>" + details;
}

std::string exports_html(const PageText& t, const sync::SurveyCatalog& catalog) {
    std::string surveys = "<label>" + escape(t("results.survey")) + " <select name=\"survey\"><option value=\"\">" +
                          escape(t("exports.newest")) + "</option>";
    for (const Survey& s : catalog.surveys)
        surveys +=
            "<option value=\"" + escape(s.id) + "\">" + escape(s.id) + " v" + std::to_string(s.version) + "</option>";
    surveys += "</select></label>";
    std::string districts = "<label>" + escape(t("exports.district")) +
                            " <select name=\"district\"><option value=\"\">" + escape(t("exports.all_districts")) +
                            "</option>";
    if (catalog.districts)
        for (const District& d : catalog.districts->districts)
            districts += "<option value=\"" + escape(d.code) + "\">" + escape(d.name) + "</option>";
    districts += "</select></label>";
    auto common = [&] {
        return lang_field(t) + surveys + "<label>" + escape(t("exports.from")) +
               " <input type=\"date\" name=\"from\"></label><label>" + escape(t("exports.to")) +
               " <input type=\"date\" name=\"to\"></label>" + districts + "<label>" + escape(t("exports.format")) +
               " <select name=\"format\"><option value=\"csv\">CSV (Excel, svensk)</option><option "
               "value=\"xlsx\">XLSX</option><option value=\"json\">JSON</option></select></label><label "
               "class=\"check\"><input type=\"checkbox\" name=\"include_flagged\" value=\"1\"> " +
               escape(t("exports.include_flagged")) + "</label>";
    };
    std::string h = "<p class=\"intro\">" + escape(t("exports.intro")) + "</p>";
    h += "<h2>" + escape(t("exports.indicators")) +
         "</h2><form class=\"choose\" method=\"get\" "
         "action=\"/staff/exports/indicators\"><fieldset><legend>" +
         escape(t("exports.indicators")) + "</legend>" + common() + "<label>" + escape(t("results.period_kind")) +
         " <select name=\"period\"><option value=\"\">" + escape(t("exports.all_periods")) + "</option>";
    for (const char* p : {"year", "half", "quarter", "month"})
        h += std::string("<option value=\"") + p + "\">" + escape(t(std::string("period.") + p)) + "</option>";
    h += "</select></label><button type=\"submit\">" + escape(t("exports.download")) + "</button></fieldset></form>";
    h += "<h2>" + escape(t("exports.responses")) + "</h2><p>" + escape(t("exports.responses_note")) +
         "</p><form class=\"choose\" method=\"get\" action=\"/staff/exports/responses\"><fieldset><legend>" +
         escape(t("exports.responses")) + "</legend>" + common() +
         "<label class=\"check\"><input type=\"checkbox\" name=\"exact_times\" value=\"1\"> " +
         escape(t("exports.exact_times")) + "</label><button type=\"submit\">" + escape(t("exports.download")) +
         "</button></fieldset></form>";
    return h;
}

std::string tokens_html(const PageText& t, const Viewer& viewer, const std::vector<KioskInfo>& kiosks,
                        const std::optional<std::pair<std::string, std::string>>& new_token,
                        const std::string& message) {
    std::string h;
    if (!message.empty()) h += "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>";
    if (new_token)
        h += "<div class=\"token\" role=\"status\"><p>" + escape(t.fill("tokens.made", {new_token->first})) +
             "</p><p><code>" + escape(new_token->second) + "</code></p><p>" + escape(t("tokens.once")) + "</p></div>";
    h += "<form class=\"choose\" method=\"post\" action=\"/staff/tokens\"><fieldset><legend>" +
         escape(t("tokens.add")) + "</legend>" + hidden("csrf", viewer.csrf) + hidden("action", "add") + lang_field(t) +
         "<label>" + escape(t("tokens.name")) +
         " <input name=\"kiosk\" required maxlength=\"64\" pattern=\"[A-Za-z0-9._\\-]{1,64}\"></label><button "
         "type=\"submit\">" +
         escape(t("tokens.add_button")) + "</button></fieldset></form>";
    h += "<table><caption>" + escape(t("tokens.caption")) + "</caption><thead><tr><th scope=\"col\">" +
         escape(t("kiosks.col.kiosk")) + "</th><th scope=\"col\">" + escape(t("tokens.created")) +
         "</th><th scope=\"col\">" + escape(t("tokens.state")) + "</th></tr></thead><tbody>";
    for (const KioskInfo& k : kiosks) {
        h += "<tr><th scope=\"row\">" + escape(k.name) + "</th><td>" + escape(k.created_at.substr(0, 10)) + "</td><td>";
        if (k.revoked_at) {
            h += escape(t.fill("tokens.revoked", {k.revoked_at->substr(0, 10)}));
        } else {
            h += "<form method=\"post\" action=\"/staff/tokens\">" + hidden("csrf", viewer.csrf) +
                 hidden("action", "revoke") + hidden("kiosk", k.name) + lang_field(t) +
                 "<button type=\"submit\" class=\"danger\">" + escape(t.fill("tokens.revoke", {k.name})) +
                 "</button></form>";
        }
        h += "</td></tr>";
    }
    return h + "</tbody></table>";
}

}  // namespace lkp::server::web
