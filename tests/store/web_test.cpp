// lkp-store's web pages on the real server, on both backends: the results page shows exactly the
// public API's figures, a suppressed district never as a number, every bad choice in the URL
// gets a clear page of its own, and every page carries the security headers.
#include <signal.h>

#include <regex>

#include "indicator_fixture.h"
#include "protocol/heartbeat.h"

namespace lkp::test {
namespace {

// The rows of the page's table for one indicator: area code ("" for the city) -> value cell.
std::map<std::string, std::string> table_values(const std::string& page, const std::string& indicator) {
    std::map<std::string, std::string> out;
    auto start = page.find("<table id=\"table-" + indicator + "\"");
    if (start == std::string::npos) return out;
    std::string table = page.substr(start, page.find("</table>", start) - start);
    static const std::regex row(R"re(<tr data-area="([^"]*)"><th scope="row">[^<]*</th><td>([^<]*)</td>)re");
    for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it) out[(*it)[1]] = (*it)[2];
    return out;
}

// The page's way of writing a figure: Swedish decimal comma, one decimal (two for a mean).
std::string swedish(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
}

class WebTest : public IndicatorTest {};

TEST_P(WebTest, TheResultsPageShowsTheApisFiguresAndNoSuppressedNumber) {
    send(random_answers(600, 41));
    Reply api = get("/v1/indicators?period=year");
    ASSERT_EQ(api.status, 200) << api.body;
    Reply page = get("/?lang=sv");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");

    std::size_t shown = 0, hidden = 0;
    Json figures = json_of(api);
    for (const auto& v : figures["values"]) {
        if (v["gender"] != "T" || v["period"] != "2026") continue;
        std::string indicator = v["indicator"], area = v["district"].is_null() ? "" : v["district"].get<std::string>();
        auto rows = table_values(page.body, indicator);
        ASSERT_TRUE(rows.count(area)) << indicator << " " << area << " is not on the page";
        int decimals = indicator == "livskvalitet_medel" ? 2 : 1;
        if (v["status"] == "shown" && !v["value"].is_null()) {
            EXPECT_EQ(rows[area], swedish(v["value"].get<double>(), decimals)) << indicator << " " << area;
            ++shown;
        } else if (v["status"] == "shown") {
            EXPECT_EQ(rows[area], "inga svar") << indicator << " " << area;
        } else {
            EXPECT_EQ(rows[area], "för få svar")
                << indicator << " " << area << ": a hidden cell must not show a number";
            ++hidden;
        }
    }
    EXPECT_GT(shown, 4u);
    EXPECT_GT(hidden, 0u) << "the answers should leave some district with too few answers";
    // Districts without a single answer say so, and the note on the sample is under every chart.
    EXPECT_NE(page.body.find("inga svar"), std::string::npos);
    std::size_t charts = 0, notes = 0;
    for (std::size_t at = 0; (at = page.body.find("<figure>", at)) != std::string::npos; ++at) ++charts;
    for (std::size_t at = 0; (at = page.body.find("självvalt urval", at)) != std::string::npos; ++at) ++notes;
    EXPECT_GE(charts, 4u);
    EXPECT_EQ(notes, charts);
}

TEST_P(WebTest, EveryBadChoiceInTheAddressGetsAClearPage) {
    send(random_answers(100, 43));
    struct Case {
        std::string query;
        int status;
    };
    for (const Case& c : {Case{"period=decade", 400}, Case{"gender=Q", 400}, Case{"at=20x6", 400}, Case{"at=2019", 404},
                          Case{"district=nowhere", 404}, Case{"survey=no-such-survey", 404},
                          Case{"district=%3Cscript%3Ealert(1)%3C/script%3E", 404}}) {
        Reply r = get("/?" + c.query);
        EXPECT_EQ(r.status, c.status) << c.query;
        EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8") << c.query;
        EXPECT_NE(r.body.find("<p class=\"error\">"), std::string::npos) << c.query << ": " << r.body;
        EXPECT_EQ(r.body.find("<script>"), std::string::npos) << c.query << ": the choice must be shown escaped";
    }
    EXPECT_NE(get("/?district=%3Cscript%3Ealert(1)%3C/script%3E").body.find("&lt;script&gt;alert(1)&lt;/script&gt;"),
              std::string::npos);
    EXPECT_EQ(post("/", "x=1", {}, "application/x-www-form-urlencoded").status, 405);
}

TEST_P(WebTest, PagesCarryTheSecurityHeadersAndTheStylesheetIsServed) {
    Reply page = get("/");
    ASSERT_EQ(page.status, 200);
    std::string csp = page.header("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("script-src"), std::string::npos) << "no script is allowed at all: " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(page.header("X-Frame-Options"), "DENY");
    EXPECT_EQ(page.header("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(page.body.find("<script"), std::string::npos);
    EXPECT_EQ(page.body.find(" style=\""), std::string::npos) << "inline styles would need 'unsafe-inline'";
    Reply css = get("/static/site.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
    EXPECT_NE(css.body.find("focus-visible"), std::string::npos);
}

TEST_P(WebTest, TheLanguageFollowsTheBrowserAndTheSwitch) {
    send(random_answers(100, 47));
    auto lang_of = [](const Reply& r) {
        std::smatch m;
        return std::regex_search(r.body, m, std::regex("<html lang=\"([a-z]+)\"")) ? m[1].str() : "";
    };
    EXPECT_EQ(lang_of(get("/")), "sv") << "Swedish by default";
    httplib::Client client("127.0.0.1", server_->port());
    auto english = client.Get("/", {{"Accept-Language", "en-GB,en;q=0.9,sv;q=0.5"}});
    ASSERT_TRUE(english);
    EXPECT_NE(english->body.find("<html lang=\"en\""), std::string::npos);
    EXPECT_NE(english->body.find("Residents who feel unsafe"), std::string::npos) << "indicator titles in English";
    auto swedish_first = client.Get("/", {{"Accept-Language", "de, sv;q=0.8, en;q=0.7"}});
    ASSERT_TRUE(swedish_first);
    EXPECT_NE(swedish_first->body.find("<html lang=\"sv\""), std::string::npos);
    Reply chosen = get("/?lang=en&period=quarter");
    EXPECT_EQ(lang_of(chosen), "en");
    EXPECT_NE(chosen.body.find("hreflang=\"sv\""), std::string::npos) << "a link to the same page in Swedish";
    EXPECT_NE(chosen.body.find("period=quarter"), std::string::npos) << "the switch keeps the page's choices";
}

// A browser's side of the staff login, over plain HTTP.
class StaffWebTest : public WebTest {
  protected:
    void SetUp() override {
        WebTest::SetUp();
        if (IsSkipped()) return;
        auto added = server_->cli_with_input({"staff", "add", "anna", "--admin"}, "correct horse battery\n");
        ASSERT_EQ(added.exit_code, 0) << added.err;
    }
    static std::vector<std::string> set_cookies(const httplib::Result& r) {
        std::vector<std::string> out;
        auto range = r->headers.equal_range("Set-Cookie");
        for (auto it = range.first; it != range.second; ++it) out.push_back(it->second.substr(0, it->second.find(';')));
        return out;
    }
    // Logs in through the form; returns the answer's status and the session cookie ("" if none).
    std::pair<int, std::string> login(const std::string& name, const std::string& password) {
        httplib::Client c("127.0.0.1", server_->port());
        auto form = c.Get("/staff/login");
        if (!form) return {0, ""};
        std::smatch m;
        std::regex_search(form->body, m, std::regex(R"re(name="form" value="([^"]+)")re"));
        std::string form_cookie = set_cookies(form).empty() ? "" : set_cookies(form)[0];
        auto r = c.Post("/staff/login", {{"Cookie", form_cookie}},
                        "form=" + m[1].str() + "&name=" + name + "&password=" + password,
                        "application/x-www-form-urlencoded");
        if (!r) return {0, ""};
        for (const auto& cookie : set_cookies(r))
            if (cookie.rfind("lkp_session=", 0) == 0 && cookie.size() > 12) return {r->status, cookie};
        return {r->status, ""};
    }
    httplib::Result get_as(const std::string& cookie, const std::string& path) {
        httplib::Client c("127.0.0.1", server_->port());
        return c.Get(path, {{"Cookie", cookie}});
    }
    httplib::Result post_as(const std::string& cookie, const std::string& path, const std::string& form) {
        httplib::Client c("127.0.0.1", server_->port());
        return c.Post(path, {{"Cookie", cookie}}, form, "application/x-www-form-urlencoded");
    }
    std::string csrf_of(const std::string& cookie) {
        auto page = get_as(cookie, "/staff/tokens");
        std::smatch m;
        std::regex_search(page->body, m, std::regex(R"re(name="csrf" value="([^"]+)")re"));
        return m[1].str();
    }
};

TEST_P(StaffWebTest, StaffPagesWithoutAValidSessionLeadToTheLoginAndDataIsRefused) {
    for (const std::string& cookie :
         {std::string(), std::string("lkp_session=forged0000000000000000000000000000000000000"),
          std::string("lkp_session=<script>")}) {
        for (const char* page : {"/staff/kiosks", "/staff/exports", "/staff/tokens"}) {
            auto r = get_as(cookie, page);
            ASSERT_TRUE(r);
            EXPECT_EQ(r->status, 303) << page << " with '" << cookie << "'";
            EXPECT_EQ(r->get_header_value("Location"), "/staff/login") << page;
        }
        auto data = get_as(cookie, "/staff/exports/responses?format=csv");
        EXPECT_EQ(data->status, 401) << cookie;
        auto changed = post_as(cookie, "/staff/tokens", "action=add&kiosk=sneaky&csrf=x");
        EXPECT_EQ(changed->status, 303) << cookie;
    }
    EXPECT_TRUE(server_->query("SELECT name FROM kiosks WHERE name = 'sneaky'").empty());
    // A session that was logged out is dead too.
    auto [status, cookie] = login("anna", "correct+horse+battery");
    ASSERT_EQ(status, 303);
    ASSERT_FALSE(cookie.empty());
    EXPECT_EQ(get_as(cookie, "/staff/kiosks")->status, 200);
    EXPECT_EQ(post_as(cookie, "/staff/logout", "csrf=" + csrf_of(cookie))->status, 303);
    EXPECT_EQ(get_as(cookie, "/staff/kiosks")->status, 303);
}

TEST_P(StaffWebTest, AFormWithoutTheSessionsTokenChangesNothing) {
    auto [status, cookie] = login("anna", "correct+horse+battery");
    ASSERT_FALSE(cookie.empty());
    for (const std::string& form :
         {std::string("action=add&kiosk=no-token"), std::string("action=add&kiosk=no-token&csrf="),
          std::string("action=add&kiosk=no-token&csrf=" + std::string(43, 'A'))}) {
        auto r = post_as(cookie, "/staff/tokens", form);
        EXPECT_EQ(r->status, 403) << form;
    }
    EXPECT_TRUE(server_->query("SELECT name FROM kiosks WHERE name = 'no-token'").empty());
    auto made = post_as(cookie, "/staff/tokens", "action=add&kiosk=with-token&csrf=" + csrf_of(cookie));
    EXPECT_EQ(made->status, 200);
    EXPECT_NE(made->body.find("lkp_"), std::string::npos) << "the new token, shown once";
    EXPECT_EQ(server_->query("SELECT name FROM kiosks WHERE name = 'with-token'").size(), 1u);
    // Markup as a kiosk name is refused, and shown as text.
    auto bad = post_as(cookie, "/staff/tokens",
                       "action=add&kiosk=%3Cscript%3Ealert(1)%3C%2Fscript%3E&csrf=" + csrf_of(cookie));
    EXPECT_EQ(bad->status, 400);
    EXPECT_EQ(bad->body.find("<script>alert(1)"), std::string::npos);
    EXPECT_NE(bad->body.find("&lt;script&gt;alert(1)"), std::string::npos);
    auto audit = server_->cli({"audit"});
    EXPECT_NE(audit.out.find("kiosk added"), std::string::npos) << audit.out;
}

TEST_P(StaffWebTest, WrongPasswordsGetAGrowingDelayAndAHugeFormIsRefused) {
    // The first three failures are free; then the account waits before it is heard again.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(login("anna", "wrong-password-" + std::to_string(i)).first, 401) << i;
    httplib::Client c("127.0.0.1", server_->port());
    auto form = c.Get("/staff/login");
    std::smatch m;
    std::regex_search(form->body, m, std::regex(R"re(name="form" value="([^"]+)")re"));
    auto locked =
        c.Post("/staff/login", {{"Cookie", set_cookies(form)[0]}},
               "form=" + m[1].str() + "&name=anna&password=correct+horse+battery", "application/x-www-form-urlencoded");
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->status, 429) << "even the right password waits out the delay";
    EXPECT_GE(
        std::stoi(locked->get_header_value("Retry-After", 0).empty() ? "0" : locked->get_header_value("Retry-After")),
        1);
    auto audit = server_->cli({"audit"});
    EXPECT_NE(audit.out.find("login failed"), std::string::npos) << audit.out;

    // The store stops reading at its limit and closes: writing the rest must not kill the test.
    signal(SIGPIPE, SIG_IGN);
    std::string huge = "name=anna&password=" + std::string(10 * 1024 * 1024, 'x');
    auto r = c.Post("/staff/login", huge, "application/x-www-form-urlencoded");
    EXPECT_TRUE(!r || r->status == 413) << (r ? std::to_string(r->status) : "no answer");
    expect_healthy();
}

// The kiosks page shows, beside the heartbeat's skew, the skew of the kiosk's last batch
// (received - Kiosk-Sent-At), which decides whether its answers are dated by the store's clock.
TEST_P(StaffWebTest, TheKiosksPageShowsTheLastBatchsClockSkew) {
    const auto kiosk_now = std::chrono::system_clock::now() - std::chrono::hours(2);
    std::vector<Response> batch = {valid_response(kiosk_)};
    batch[0].submitted_at = format_utc(kiosk_now - std::chrono::minutes(1));
    batch[0].started_at = format_utc(kiosk_now - std::chrono::minutes(2));
    ASSERT_EQ(post_batch_sent_at(batch, format_utc(kiosk_now)).status, 200);
    auto [status, cookie] = login("anna", "correct+horse+battery");
    ASSERT_EQ(status, 303);
    auto page = get_as(cookie, "/staff/kiosks?lang=en");
    ASSERT_TRUE(page);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page->body, m, std::regex(R"(last batch (\d+) s)"))) << page->body;
    EXPECT_NEAR(std::stod(m[1].str()), 7200, 10);
}

// A kiosk that moved a corrupt database aside (issue 14, part 3) is at the top as needing staff,
// with the reason in its state and the count under the table, in both languages.
TEST_P(StaffWebTest, TheKiosksPageSaysADatabaseWasMovedAside) {
    sync::Heartbeat h{.kiosk_id = kiosk_,
                      .program_version = "0.2.0",
                      .free_disk_bytes = 9'000'000'000,
                      .sent_at = format_utc(std::chrono::system_clock::now())};
    h.quarantined_databases = 2;
    ASSERT_EQ(post(sync::kHeartbeatPath, sync::encode_heartbeat(h), {{"Authorization", "Bearer " + token_}}).status,
              204);
    auto [status, cookie] = login("anna", "correct+horse+battery");
    ASSERT_EQ(status, 303);
    auto page = get_as(cookie, "/staff/kiosks?lang=en");
    ASSERT_TRUE(page);
    EXPECT_NE(page->body.find("⚠ database moved aside</strong>"), std::string::npos) << page->body;
    EXPECT_NE(page->body.find("Damaged database files moved aside on the kiosk: 2."), std::string::npos);
    auto swedish = get_as(cookie, "/staff/kiosks?lang=sv");
    ASSERT_TRUE(swedish);
    EXPECT_NE(swedish->body.find("databasen flyttad åt sidan"), std::string::npos) << swedish->body;

    // Once staff removed the files the kiosk says 0, and the page no longer asks for anyone.
    h.quarantined_databases = 0;
    ASSERT_EQ(post(sync::kHeartbeatPath, sync::encode_heartbeat(h), {{"Authorization", "Bearer " + token_}}).status,
              204);
    page = get_as(cookie, "/staff/kiosks?lang=en");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->body.find("moved aside"), std::string::npos) << page->body;
}

INSTANTIATE_TEST_SUITE_P(Backends, StaffWebTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

INSTANTIATE_TEST_SUITE_P(Backends, WebTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
