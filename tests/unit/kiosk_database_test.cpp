// The local store: durable commits, an outbox, a schema that upgrades, and refusal to touch a
// database it does not understand.
#include "kiosk_db/kiosk_database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "export/response_export.h"
#include "record/uuid.h"
#include "support/test_support.h"

namespace lkp {
namespace {

Response sample(const std::string& lang = "sv") {
    Response r = test::sample_response();
    r.location = "001";
    r.language = lang;
    return r;
}

TEST(Store, SavesDurablyWithGrowingSequenceAndOutbox) {
    test::TempDir dir;
    auto store = KioskDatabase::open(dir.path());
    EXPECT_EQ(store.durability().synchronous, 2) << "synchronous=FULL";
    EXPECT_EQ(store.durability().journal_mode, "wal");
    EXPECT_EQ(KioskDatabase::open(dir.path(), KioskDatabase::Role::Sync).durability().synchronous, 1)
        << "the sync's bookkeeping connection: synchronous=NORMAL";

    Response a = sample(), b = sample("ar");
    b.district.reset();
    store.save(a);
    store.save(b);
    EXPECT_EQ(a.seq, 1);
    EXPECT_EQ(b.seq, 2);
    auto all = store.all_responses();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, a.id);
    EXPECT_EQ(all[1].language, "ar");
    EXPECT_FALSE(all[1].district.has_value());
    EXPECT_EQ(*all[0].answer("delaktighet"), nullptr);
    EXPECT_EQ(*all[0].answer("livskvalitet"), 8);
    EXPECT_EQ(store.outbox_status().unsent, 2);
}

TEST(Store, SameIdTwiceIsRefusedAndLeavesNoHalfWrite) {
    test::TempDir dir;
    auto store = KioskDatabase::open(dir.path());
    Response a = sample();
    store.save(a);
    Response again = a;
    EXPECT_THROW(store.save(again), DatabaseError);
    EXPECT_EQ(store.status().responses, 1);
    EXPECT_EQ(store.outbox_status().unsent, 1);
}

TEST(Store, SequenceNeverGoesBackEvenIfRowsAreRemoved) {
    test::TempDir dir;
    {
        auto store = KioskDatabase::open(dir.path());
        for (int i = 0; i < 3; ++i) {
            Response r = sample();
            store.save(r);
        }
        test::open_raw(store.path()).exec("DELETE FROM outbox; DELETE FROM responses");
    }
    auto store = KioskDatabase::open(dir.path());
    Response r = sample();
    store.save(r);
    EXPECT_EQ(r.seq, 4);
}

TEST(Store, CountsSessionsForTheResponseRate) {
    test::TempDir dir;
    auto store = KioskDatabase::open(dir.path());
    for (int i = 0; i < 4; ++i) store.record_started(false);
    store.record_abandoned("language", false);
    store.record_abandoned("delaktighet", false);
    store.record_started(true);
    Response r = sample();
    store.save(r);
    KioskStatus s = store.status();
    EXPECT_EQ(s.sessions_started, 4);
    EXPECT_EQ(s.sessions_completed, 1);
    EXPECT_EQ(s.sessions_abandoned, 2);
    EXPECT_EQ(s.abandoned_at.at("delaktighet"), 1);
}

// A database as the first released schema made it, with one response in it.
void make_v1_database(const std::string& path) {
    Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("PRAGMA application_id = " + std::to_string(0x4C4B5031));
    migrate_kiosk_database(db, 0, 1);
    db.exec(
        "INSERT INTO responses(id, kiosk_id, survey_id, survey_version, location, language, district, answers, "
        "started_at, submitted_at) VALUES ('11111111-1111-4111-8111-111111111111', 'k1', 'helsingborg-lkp', 1, "
        "'001', 'sv', '041', '{\"trygghet\":1}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:30.000Z')");
    db.exec("INSERT INTO outbox(seq, queued_at) VALUES (1, '2026-01-01T00:00:30.000Z')");
}

TEST(Store, UpgradesFromEveryEarlierSchemaVersion) {
    for (int from = 0; from < kKioskSchemaVersion; ++from) {
        SCOPED_TRACE("from schema version " + std::to_string(from));
        test::TempDir dir;
        std::string path = dir.file(kDatabaseFile);
        bool has_row = from >= 1;
        if (from == 1) make_v1_database(path);
        if (from > 1) {
            Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            db.exec("PRAGMA application_id = " + std::to_string(0x4C4B5031));
            migrate_kiosk_database(db, 0, from);
        }
        auto store = KioskDatabase::open(dir.path());
        EXPECT_EQ(test::open_raw(store.path()).pragma_int("user_version"), kKioskSchemaVersion);
        if (has_row && from == 1) {
            auto all = store.all_responses();
            ASSERT_EQ(all.size(), 1u);
            EXPECT_EQ(all[0].district, "041");
            EXPECT_TRUE(all[0].flags.empty());
            EXPECT_EQ(store.outbox_status().unsent, 1);
        }
        Response r = sample();
        store.save(r);
        EXPECT_EQ(store.status().sessions_completed, 1);
    }
}

struct FileState {
    std::string bytes;
    bool operator==(const FileState&) const = default;
};
FileState snapshot(const std::string& path) { return {test::read_file(path)}; }

TEST(Store, RefusesANewerDatabaseAndLeavesItUntouched) {
    test::TempDir dir;
    std::string path = dir.file(kDatabaseFile);
    {
        auto store = KioskDatabase::open(dir.path());
        Response r = sample();
        store.save(r);
        test::open_raw(store.path()).exec("PRAGMA user_version = 99");
    }
    FileState before = snapshot(path);
    try {
        KioskDatabase::open(dir.path());
        FAIL() << "a newer database was opened";
    } catch (const DatabaseError& e) {
        EXPECT_NE(std::string(e.what()).find("schema version 99, written by a newer LKP Kiosk"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(snapshot(path), before);
    EXPECT_FALSE(test::exists(path + "-wal")) << "not even a WAL file may be created";
}

TEST(Store, RefusesACorruptFileAndLeavesItUntouched) {
    test::TempDir dir;
    std::string path = dir.file(kDatabaseFile);
    test::write_file(path, std::string(8192, 'x'));
    FileState before = snapshot(path);
    try {
        KioskDatabase::open(dir.path());
        FAIL() << "a corrupt file was opened";
    } catch (const DatabaseError& e) {
        EXPECT_NE(std::string(e.what()).find("corrupt or not a database"), std::string::npos) << e.what();
    }
    EXPECT_EQ(snapshot(path), before);
}

TEST(Store, RefusesADamagedDatabaseDetectedByQuickCheck) {
    test::TempDir dir;
    std::string path = dir.file(kDatabaseFile);
    {
        auto store = KioskDatabase::open(dir.path());
        for (int i = 0; i < 200; ++i) {
            Response r = sample();
            store.save(r);
        }
        test::open_raw(store.path()).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    // Overwrite whole pages in the middle of the file: b-tree pages of the responses table.
    std::string bytes = test::read_file(path);
    ASSERT_GT(bytes.size(), 6 * 4096u);
    for (size_t i = 4096 * 3; i < 4096 * 5; ++i) bytes[i] = '\x5a';
    test::write_file(path, bytes);
    FileState before = snapshot(path);
    EXPECT_THROW(KioskDatabase::open(dir.path()), DatabaseError);
    EXPECT_EQ(snapshot(path), before);
}

TEST(Store, RefusesSomeOtherApplicationsSqliteFile) {
    test::TempDir dir;
    std::string path = dir.file(kDatabaseFile);
    {
        Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("CREATE TABLE photos(id INTEGER)");
    }
    EXPECT_THROW(KioskDatabase::open(dir.path()), DatabaseError);
}

// Staff mode's audit (issue 11): kept in order, and the wrong PINs since the last right one are
// what the lock-out is worked out from after a restart.
TEST(Store, KeepsStaffModesAuditAndTheWrongPinsSinceTheLastRightOne) {
    test::TempDir dir;
    {
        auto store = KioskDatabase::open(dir.path());
        store.record_staff_action("pin_wrong", "1");
        store.record_staff_action("pin_right");
        store.record_staff_action("export", "/media/lkp-export: 3 answers");
        store.record_staff_action("pin_wrong", "1");
        store.record_staff_action("pin_wrong", "2");
    }
    auto store = KioskDatabase::open(dir.path());  // reopened: nothing was only in memory
    EXPECT_EQ(store.wrong_pins_since_right().size(), 2u);
    std::vector<StaffAuditEntry> audit = store.staff_audit(3);
    ASSERT_EQ(audit.size(), 3u);
    EXPECT_EQ(audit[0].action, "pin_wrong");
    EXPECT_EQ(audit[0].detail, "2");
    EXPECT_EQ(audit[2].action, "export");
    EXPECT_EQ(audit[2].detail, "/media/lkp-export: 3 answers");
    EXPECT_EQ(audit[0].at.size(), std::string("2026-11-30T10:00:00.000Z").size());
}

// The staff overview's counts: real answers per district, today and this week by the times given.
TEST(Store, CountsRealAnswersPerDistrictTodayThisWeekAndInAll) {
    test::TempDir dir;
    auto store = KioskDatabase::open(dir.path());
    auto save = [&](const char* id, std::optional<std::string> district, const char* at,
                    std::vector<std::string> flags = {}) {
        Response r = test::sample_response();
        r.id = id;
        r.district = std::move(district);
        r.submitted_at = at;
        r.flags = std::move(flags);
        store.save(r);
    };
    save("00000000-0000-4000-8000-000000000001", "022", "2026-11-23T09:00:00.000Z");  // last week
    save("00000000-0000-4000-8000-000000000002", "022", "2026-11-24T09:00:00.000Z");  // this week
    save("00000000-0000-4000-8000-000000000003", "022", "2026-11-30T09:00:00.000Z");  // today
    save("00000000-0000-4000-8000-000000000004", std::nullopt, "2026-11-30T10:00:00.000Z");
    save("00000000-0000-4000-8000-000000000005", "022", "2026-11-30T10:00:00.000Z", {"test"});
    save("00000000-0000-4000-8000-000000000006", "022", "2026-11-30T10:00:00.000Z", {"synthetic"});
    std::vector<DistrictCount> counts =
        store.answers_by_district("2026-11-29T23:00:00.000Z", "2026-11-23T23:00:00.000Z");
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(counts[0].district, "022");
    EXPECT_EQ(counts[0].today, 1);
    EXPECT_EQ(counts[0].week, 2);
    EXPECT_EQ(counts[0].total, 3);
    EXPECT_EQ(counts[1].district, std::nullopt);
    EXPECT_EQ(counts[1].total, 1);
    EXPECT_EQ(store.status().test, 1);
}

TEST(Export, CsvHasOneColumnPerQuestionInSurveyOrderAndKeepsUnicode) {
    Survey s = test::builtin_data().survey;
    Response r = sample("ar");
    r.seq = 7;
    r.kiosk_id = "kiosk, \"north\"";
    r.answers = {{"livskvalitet", 8}, {"trygghet", 2}, {"delaktighet", nullptr}, {"age_band", "80+"}};
    r.flags = {"synthetic"};
    std::string csv = export_csv({r}, &s);
    ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
    std::string header = csv.substr(3, csv.find("\r\n") - 3);
    EXPECT_EQ(header,
              "id,seq,kiosk_id,survey_id,survey_version,location,language,district,started_at,submitted_at,flags,"
              "trygghet,delaktighet,livskvalitet,age_band,gender");
    std::string row = csv.substr(csv.find("\r\n") + 2);
    EXPECT_EQ(row, r.id +
                       ",7,\"kiosk, \"\"north\"\"\",helsingborg-lkp,1,001,ar,022,2026-11-22T10:00:00.000Z,"
                       "2026-11-22T10:00:40.000Z,synthetic,2,,8,80+,\r\n");
}

TEST(Export, JsonListsResponsesWithDeclinedAsNull) {
    Response r = sample();
    Json j = Json::parse(export_json({r}));
    ASSERT_TRUE(j.is_array());
    EXPECT_EQ(j[0]["id"], r.id);
    EXPECT_EQ(j[0]["answers"]["delaktighet"], nullptr);
    EXPECT_EQ(j[0]["location"], "001");
    EXPECT_TRUE(j[0]["flags"].is_array());
}

// Lätt svenska was tagged "sv-easy" (not valid BCP 47) until issue 12. Answers the kiosk stored
// then stay as they were in its file; they leave it (sync, CSV, JSON) as "sv-x-easy".
TEST(Export, EasySwedishStoredUnderItsFormerTagLeavesTheKioskAsSvXEasy) {
    test::TempDir dir;
    auto db = KioskDatabase::open(dir.path());
    Response old = sample("sv-easy");  // written as a kiosk of before issue 12 wrote it
    db.save(old);
    Survey s = test::builtin_data().survey;
    std::vector<Response> all = db.all_responses();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].language, "sv-x-easy");
    std::vector<Response> outbox = db.unsent(10);
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_EQ(outbox[0].language, "sv-x-easy") << "what the sync sends";
    std::string csv = export_csv(all, &s);
    EXPECT_NE(csv.find(",sv-x-easy,"), std::string::npos) << csv;
    EXPECT_EQ(csv.find("sv-easy"), std::string::npos) << csv;
    EXPECT_EQ(Json::parse(export_json(all))[0]["language"], "sv-x-easy");
    // Given a Response still holding the former tag, the exports write the valid one too.
    EXPECT_EQ(export_csv({old}, &s).find("sv-easy"), std::string::npos);
    EXPECT_EQ(Json::parse(export_json({old}))[0]["language"], "sv-x-easy");
}

}  // namespace
}  // namespace lkp
