// A corrupt kiosk database (issue 14, part 3) found when the kiosk starts: moved aside under a
// quarantine name and never deleted, a fresh database started so residents can go on answering,
// and every answer still readable from the old file put back into the outbox once. Real files,
// damaged as disks and people damage them: a garbage header, cut short, pages of zeros, and a
// WAL from another database beside the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "kiosk_db/kiosk_database.h"
#include "record/uuid.h"
#include "support/test_support.h"

namespace lkp {
namespace {

constexpr int kAnswers = 400;

// DIR/responses.sqlite with kAnswers answers, closed (so the WAL is checkpointed into the file).
std::set<std::string> fill(const std::string& dir) {
    std::set<std::string> ids;
    auto db = KioskDatabase::open(dir);
    db.set_burst_rule({3, std::chrono::seconds(0)});
    for (int i = 0; i < kAnswers; ++i) {
        Response r = test::sample_response();
        r.id = new_uuid_v4();
        db.save(r);
        ids.insert(r.id);
    }
    return ids;
}

void overwrite(const std::string& path, std::uintmax_t at, const std::string& bytes) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(at));
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct Recovered {
    std::optional<Recovery> recovery;
    std::set<std::string> ids;  // in the fresh database
    std::int64_t unsent = 0;
};

Recovered recover(const std::string& dir) {
    Recovered out;
    auto db = KioskDatabase::open_or_recover(dir, out.recovery);
    for (const Response& r : db.all_responses()) EXPECT_TRUE(out.ids.insert(r.id).second) << "twice: " << r.id;
    out.unsent = db.outbox_status().unsent;
    // Residents go on answering.
    Response next = test::sample_response();
    next.id = new_uuid_v4();
    db.save(next);
    return out;
}

void expect_quarantined(const test::TempDir& dir, const Recovered& got, const std::string& damaged) {
    ASSERT_TRUE(got.recovery) << "the corrupt file was not noticed";
    EXPECT_EQ(test::read_file(got.recovery->quarantined), damaged) << "kept exactly as it was found";
    EXPECT_EQ(quarantined_databases(dir.path()), std::vector<std::string>{got.recovery->quarantined});
    EXPECT_EQ(got.recovery->salvaged, static_cast<std::int64_t>(got.ids.size()));
    EXPECT_EQ(got.unsent, got.recovery->salvaged) << "every salvaged answer waits to be sent";
    EXPECT_FALSE(std::filesystem::exists(got.recovery->quarantined + ".salvage")) << "the reading copy is gone";
}

TEST(Recovery, AHealthyDatabaseIsOpenedAsItIs) {
    test::TempDir dir;
    fill(dir.path());
    Recovered got = recover(dir.path());
    EXPECT_FALSE(got.recovery);
    EXPECT_EQ(got.ids.size(), static_cast<std::size_t>(kAnswers));
    EXPECT_TRUE(quarantined_databases(dir.path()).empty());
}

TEST(Recovery, AGarbageHeaderIsMovedAsideAndAFreshDatabaseStarts) {
    test::TempDir dir;
    fill(dir.path());
    std::string path = dir.file(kDatabaseFile);
    overwrite(path, 0, std::string(100, 'x'));
    std::string damaged = test::read_file(path);
    Recovered got = recover(dir.path());
    expect_quarantined(dir, got, damaged);
    EXPECT_NE(got.recovery->problem, "");
}

TEST(Recovery, AFileCutShortGivesBackTheAnswersBeforeTheCut) {
    test::TempDir dir;
    std::set<std::string> before = fill(dir.path());
    std::string path = dir.file(kDatabaseFile);
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    std::string damaged = test::read_file(path);
    Recovered got = recover(dir.path());
    expect_quarantined(dir, got, damaged);
    EXPECT_GT(got.ids.size(), 0u) << "the first half of the file holds answers";
    EXPECT_LT(got.ids.size(), before.size());
    for (const auto& id : got.ids) EXPECT_TRUE(before.count(id)) << id << " was never saved";
}

TEST(Recovery, PagesOfZerosCostOnlyTheAnswersOnThem) {
    test::TempDir dir;
    std::set<std::string> before = fill(dir.path());
    std::string path = dir.file(kDatabaseFile);
    auto pages = std::filesystem::file_size(path) / 4096;
    ASSERT_GT(pages, 12u);
    overwrite(path, 4096 * (pages / 2), std::string(4096 * 3, '\0'));  // three pages mid-table
    std::string damaged = test::read_file(path);
    Recovered got = recover(dir.path());
    expect_quarantined(dir, got, damaged);
    EXPECT_GT(got.ids.size(), before.size() / 2) << "the pages before and after the zeros are read";
    EXPECT_LT(got.ids.size(), before.size());
    for (const auto& id : got.ids) EXPECT_TRUE(before.count(id)) << id << " was never saved";
}

// A real WAL of another kiosk database, copied while that one is open (its WAL not yet
// checkpointed), as someone restoring files by hand could put it beside ours.
std::string foreign_wal(const test::TempDir& other, std::set<std::string>& ids) {
    auto db = KioskDatabase::open(other.path());
    db.set_burst_rule({3, std::chrono::seconds(0)});
    for (int i = 0; i < 30; ++i) {
        Response r = test::sample_response();
        r.id = new_uuid_v4();
        db.save(r);
        ids.insert(r.id);
    }
    std::string wal = test::read_file(other.file(kDatabaseFile) + "-wal");
    EXPECT_GT(wal.size(), 0u);
    return wal;
}

TEST(Recovery, AWalFromAnotherDatabaseIsMovedAsideWithTheFileAndTheFileAloneIsRead) {
    test::TempDir dir, other;
    std::set<std::string> ours = fill(dir.path()), theirs;
    std::string path = dir.file(kDatabaseFile);
    test::write_file(path + "-wal", foreign_wal(other, theirs));
    std::string file = test::read_file(path), wal = test::read_file(path + "-wal");

    Recovered got = recover(dir.path());
    expect_quarantined(dir, got, file);
    EXPECT_TRUE(got.recovery->foreign_wal);
    EXPECT_NE(got.recovery->problem.find("another database"), std::string::npos) << got.recovery->problem;
    EXPECT_EQ(test::read_file(got.recovery->quarantined + "-wal"), wal) << "the WAL is kept too, as it was";
    EXPECT_EQ(got.ids, ours) << "every answer of the file, none of the other database's";
}

TEST(Recovery, ItsOwnWalIsReadWithTheFile) {
    test::TempDir dir, copy;
    std::set<std::string> ids = fill(dir.path());
    {
        auto db = KioskDatabase::open(dir.path());
        db.set_burst_rule({3, std::chrono::seconds(0)});
        for (int i = 0; i < 20; ++i) {
            Response r = test::sample_response();
            r.id = new_uuid_v4();
            db.save(r);
            ids.insert(r.id);
        }
        // The pair as a power cut leaves it: the newest answers only in the WAL.
        for (const char* suffix : {"", "-wal"})
            test::write_file(copy.file(kDatabaseFile) + suffix, test::read_file(dir.file(kDatabaseFile) + suffix));
    }
    ASSERT_GT(std::filesystem::file_size(copy.file(kDatabaseFile) + "-wal"), 0u);
    Recovered got = recover(copy.path());
    EXPECT_FALSE(got.recovery) << got.recovery->problem;
    EXPECT_EQ(got.ids, ids);
}

TEST(Recovery, ANewerDatabaseIsStillRefusedAndNotMoved) {
    test::TempDir dir;
    fill(dir.path());
    test::open_raw(dir.file(kDatabaseFile)).exec("PRAGMA user_version = 99");
    std::optional<Recovery> recovery;
    EXPECT_THROW(KioskDatabase::open_or_recover(dir.path(), recovery), std::exception);
    EXPECT_TRUE(quarantined_databases(dir.path()).empty());
    EXPECT_TRUE(std::filesystem::exists(dir.file(kDatabaseFile)));
}

}  // namespace
}  // namespace lkp
