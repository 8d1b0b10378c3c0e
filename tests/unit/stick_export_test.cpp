// Staff mode's export to a USB stick (issue 11), on real file systems: a tmpfs mounted by the
// test stands in for the stick (the test command runs as root on CI; elsewhere these tests say
// why they skip), remounted read-only, and made too small for the answers.
#include "export/stick_export.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace lkp {
namespace {

// A tmpfs of `size` mounted on a fresh folder for the test's life (unmounted before the folder goes).
struct Stick {
    explicit Stick(const std::string& size) : disk(dir.path() + "/stick", size) {}
    bool mounted() const { return disk.mounted(); }
    const std::string& path() const { return disk.path(); }
    bool make_read_only() { return disk.make_read_only(); }

    test::TempDir dir;
    test::SmallDisk disk;
};

struct Contents {
    KioskData data = test::builtin_data();
    std::vector<Response> responses;
    std::vector<StaffAuditEntry> audit = {{"2026-11-30T10:00:00.000Z", "pin_right", ""},
                                          {"2026-11-30T09:59:00.000Z", "pin_wrong", "1 since the last right PIN"}};
    std::map<std::string, std::string> names = {{"sv", "Svenska"}};
    explicit Contents(int n) {
        for (int i = 0; i < n; ++i) {
            Response r = test::sample_response();
            char id[40];
            std::snprintf(id, sizeof id, "%08d-2222-4333-8444-555555555555", i);
            r.id = id;
            r.seq = i + 1;
            if (i == 0) r.flags = {"test"};
            responses.push_back(r);
        }
    }
    ExportContents view() const { return {responses, audit, data.survey, data.districts, names, "bibliotek-1"}; }
};

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& f : std::filesystem::directory_iterator(dir)) out.push_back(f.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

const auto kNoon = std::chrono::sys_days(std::chrono::year(2026) / 11 / 30) + std::chrono::hours(11);

TEST(StickExport, AFolderWithNothingMountedIsNoStickUnlessMarked) {
    test::TempDir dir;
    Contents c(2);
    EXPECT_EQ(export_to_stick("", c.view(), kNoon).result, StickExport::Result::NotConfigured);
    EXPECT_EQ(export_to_stick(dir.file("absent"), c.view(), kNoon).result, StickExport::Result::NoStick);
    StickExport plain = export_to_stick(dir.path(), c.view(), kNoon);
    EXPECT_EQ(plain.result, StickExport::Result::NoStick);
    EXPECT_TRUE(files_in(dir.path()).empty()) << "nothing written where no stick is";

    test::write_file(dir.file(kExportMarker), "");
    StickExport marked = export_to_stick(dir.path(), c.view(), kNoon);
    ASSERT_EQ(marked.result, StickExport::Result::Written) << marked.detail;
    EXPECT_EQ(marked.answers, 2);
    // 11:00 UTC is 12:00 in Stockholm in November.
    EXPECT_EQ(marked.csv_file, "lkp-svar-bibliotek-1-20261130-120000.csv");
    EXPECT_EQ(marked.json_file, "lkp-svar-bibliotek-1-20261130-120000.json");
}

TEST(StickExport, WritesTheStoresSwedishExcelCsvAndJsonWithTheAuditToAMountedStick) {
    Stick stick("4m");
    if (!stick.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?): the marker test covers writing";
    Contents c(3);
    StickExport out = export_to_stick(stick.path(), c.view(), kNoon);
    ASSERT_EQ(out.result, StickExport::Result::Written) << out.detail;
    EXPECT_EQ(files_in(stick.path()), (std::vector<std::string>{out.csv_file, out.json_file}))
        << "no temporary file is left";

    std::string csv = test::read_file(stick.path() + "/" + out.csv_file);
    ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u) << "a byte order mark, for Excel";
    std::string header = csv.substr(3, csv.find("\r\n") - 3);
    EXPECT_EQ(header.rfind("id;kiosk;kioskens_område;enkät;version;språk;språk_namn;tid;område_kod;område;trygghet", 0),
              0u)
        << header;
    EXPECT_NE(header.find(";flaggor"), std::string::npos);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4) << "a header and three rows";
    EXPECT_NE(csv.find(";test\r\n"), std::string::npos) << "the test answer carries its flag";

    Json json = Json::parse(test::read_file(stick.path() + "/" + out.json_file));
    EXPECT_EQ(json["Svar"].size(), 3u);
    ASSERT_EQ(json["Personalhändelser"].size(), 2u);
    EXPECT_EQ(json["Personalhändelser"][0]["händelse"], "pin_wrong") << "oldest first";
    EXPECT_TRUE(json.contains("about"));
}

TEST(StickExport, AReadOnlyStickIsSaidSoAndNothingIsWritten) {
    Stick stick("4m");
    if (!stick.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
    ASSERT_TRUE(stick.make_read_only());
    Contents c(2);
    StickExport out = export_to_stick(stick.path(), c.view(), kNoon);
    EXPECT_EQ(out.result, StickExport::Result::ReadOnly) << out.detail;
    EXPECT_TRUE(files_in(stick.path()).empty());
}

TEST(StickExport, AFullStickIsSaidSoAndLeavesNoPartFile) {
    Stick stick("64k");
    if (!stick.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
    Contents c(2000);  // about 0.5 MB of JSON
    StickExport out = export_to_stick(stick.path(), c.view(), kNoon);
    EXPECT_EQ(out.result, StickExport::Result::Full) << out.detail;
    EXPECT_TRUE(files_in(stick.path()).empty()) << "no half file that looks whole";
}

}  // namespace
}  // namespace lkp
