// The staff and public pages in a real browser: Debian's headless chromium, driven over the
// DevTools protocol by tests/web/browser.py, against the real lkp-store holding answers and
// heartbeats from several kiosks. PNGs of every page at desktop and phone width land in
// build/screenshots/web/ for a person to look at.
#include <filesystem>

#include "indicator_fixture.h"
#include "protocol/heartbeat.h"

namespace lkp::test {
namespace {

class BrowserTest : public IndicatorTest {};

TEST_P(BrowserTest, StaffLogInSeeTheKiosksAndDownloadAnExportAndTheResultsArePublic) {
    ASSERT_TRUE(std::filesystem::exists(LKP_CHROMIUM)) << LKP_CHROMIUM << ": apt-get install chromium";
    send(random_answers(600, 53));
    // A second kiosk whose heartbeat carries markup where text belongs: it must be shown as text.
    std::string other_token = server_->add_kiosk("k-hostile");
    sync::Heartbeat h{"k-hostile",
                      "<img src=x onerror=alert(1)>",
                      3,
                      1,
                      7200,
                      50LL * 1024 * 1024,
                      "<script>alert(1)</script>",
                      format_utc(std::chrono::system_clock::now())};
    h.sessions = sync::SessionCounts{12, 8, 4, {{"district", 3}, {"trygghet", 1}}};
    h.rejected_reasons = {{"invalid", "answers.trygghet", "<b>not on the scale</b>", 1}};
    ASSERT_EQ(
        post(sync::kHeartbeatPath, sync::encode_heartbeat(h), {{"Authorization", "Bearer " + other_token}}).status,
        204);
    auto added = server_->cli_with_input({"staff", "add", "anna", "--admin"}, "correct horse battery\n");
    ASSERT_EQ(added.exit_code, 0) << added.err;

    std::string shots = std::string(LKP_BUILD_DIR) + "/screenshots/web";
    std::filesystem::remove_all(shots);
    auto r = run({LKP_PYTHON3, std::string(LKP_SOURCE_DIR) + "/tests/web/browser.py", LKP_CHROMIUM, server_->url(),
                  "anna", "correct horse battery", shots});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json report = Json::parse(r.out);
    const Json& pages = report["pages"];

    for (const auto& [name, page] : pages.items()) {
        EXPECT_EQ(page["status"], 200) << name;
        EXPECT_LE(page["scroll_width_phone"].get<int>(), 390) << name << " scrolls sideways on a phone";
        EXPECT_TRUE(std::filesystem::exists(shots + "/" + name + "-desktop.png")) << name;
        EXPECT_TRUE(std::filesystem::exists(shots + "/" + name + "-phone.png")) << name;
    }
    EXPECT_GE(pages["results"]["bars"].get<int>(), 3 * 4) << "a bar per district with answers and indicator";
    EXPECT_EQ(pages["login"]["url"].get<std::string>().rfind("/staff/login", 0), 0u)
        << "a staff page without a login leads to the login form";
    EXPECT_EQ(pages["kiosks"]["url"].get<std::string>().rfind("/staff/kiosks", 0), 0u) << "the login leads on";
    EXPECT_EQ(pages["kiosks"]["kiosk_names"][0], "k-hostile") << "the kiosk that needs attention first";
    EXPECT_EQ(pages["kiosks"]["error_text"], "<script>alert(1)</script>") << "shown as text, not run";
    EXPECT_EQ(pages["kiosks"]["steps"], Json::parse(R"(["district", "trygghet"])")) << "where residents stopped";
    EXPECT_EQ(report["dialogs"], 0) << "no script ran";
    EXPECT_EQ(pages["tokens-added"]["token"].get<std::string>().rfind("lkp_", 0), 0u);
    EXPECT_EQ(report["download"]["state"], "completed");
    EXPECT_EQ(report["download"]["header"].get<std::string>().rfind("indikator;titel;", 0), 0u);
    // The download is in the audit log under the staff member's name.
    auto audit = server_->cli({"audit"});
    EXPECT_NE(audit.out.find("staff:anna"), std::string::npos) << audit.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, BrowserTest, ::testing::Values(Backend::Sqlite), backend_name);

}  // namespace
}  // namespace lkp::test
