// Stores made before migrations existed (tests/fixtures/a70e1b9/, schema 1, made by the binaries of
// a70e1b9 with tests/fixtures/make-a70e1b9-fixtures.sh) upgraded by the real lkp-store through
// every step (2, then 3): nothing lost, "absent" spelled NULL, stored responses still recognised,
// idempotency records indexed by age, newer schemas refused untouched.
#include <unistd.h>

#include <filesystem>
#include <latch>
#include <map>
#include <thread>

#include "protocol/heartbeat.h"
#include "record/response_codec.h"
#include "schema_rollback.h"
#include "store_backend.h"
#include "store_fixture.h"
#include "tokens.h"

namespace lkp::test {
namespace {

using Status = sync::ItemResult::Status;

const std::string kFixtures = std::string(LKP_SOURCE_DIR) + "/tests/fixtures/a70e1b9/";
const std::string kVersion = "SELECT value FROM meta WHERE key = 'schema_version'";

// The responses table of schema 2, in column order, on both backends, and of schema 8 (the clock).
const std::vector<std::string> kColumnsV2 = {
    "kiosk",   "id",         "seq",          "survey_id", "survey_version", "location",    "language", "district",
    "answers", "started_at", "submitted_at", "flags",     "content_hash",   "received_at", "kiosk_id"};
const std::vector<std::string> kColumnsV8 = [] {
    std::vector<std::string> columns = kColumnsV2;
    columns.insert(columns.end(), {"kiosk_sent_at", "clock_flag"});
    return columns;
}();

// What a test compares across the upgrade, one line per row.
struct Snapshot {
    std::vector<std::string> responses, kiosks, heartbeats;
};

// Unlike StoreTest, SetUp starts nothing: a test puts the old store in place (old_store()), looks
// at it, and then starts the server on it, which upgrades it.
class MigrationTest : public StoreTest {
  protected:
    void SetUp() override {}

    bool postgres() const { return GetParam() == Backend::Postgres; }

    // The fixture as the server's database: SQLite, a copy of the file; PostgreSQL, the dump
    // restored into a fresh database of the suite's cluster. The server is not started.
    void old_store() {
        StoreOptions options;
        if (postgres()) {
            if (!cluster_) cluster_ = std::make_unique<PostgresCluster>();
            static int n = 0;
            options.postgres_url =
                cluster_->create_database("m" + std::to_string(getpid()) + "_" + std::to_string(++n));
            RunResult restored = run({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", options.postgres_url, "-f",
                                      kFixtures + "store-postgres.sql"});
            if (restored.exit_code != 0) throw std::runtime_error("psql could not restore the dump: " + restored.err);
        }
        server_ = std::make_unique<StoreServer>(options);
        if (!postgres()) std::filesystem::copy_file(kFixtures + "store-sqlite.db", sqlite_file());
    }

    std::string sqlite_file() const { return server_->db_args()[1]; }

    // A statement that changes the database, run straight on it (query() opens SQLite read-only).
    void execute(const std::string& sql) {
        if (postgres())
            server_->query(sql);
        else
            open_raw(sqlite_file()).exec(sql);
    }

    // Takes a current store back to schema `version` (tests/store/schema_rollback.h).
    void roll_back_to(int version) {
        roll_back_schema(version, [this](const std::string& sql) { execute(sql); });
    }

    // Gives the kiosk a token the test knows and makes it the one post_batch() sends.
    void use_kiosk(const std::string& kiosk) {
        kiosk_ = kiosk;
        token_ = "lkp_migration-test-" + kiosk;
        execute("UPDATE kiosks SET token_hash = '" + server::token_hash(token_) + "' WHERE name = '" + kiosk + "'");
    }

    Snapshot snapshot() {
        return {
            server_->query("SELECT kiosk || ' ' || id || ' ' || seq || ' ' || content_hash || ' ' || "
                           "CAST(answers AS TEXT) FROM responses ORDER BY kiosk, id"),
            server_->query("SELECT name || ' ' || token_hash || ' ' || coalesce(CAST(revoked_at AS TEXT), 'active') "
                           "FROM kiosks ORDER BY name"),
            server_->query("SELECT kiosk || ' ' || program_version || ' ' || sent_at || ' ' || "
                           "CAST(received_at AS TEXT) FROM heartbeats ORDER BY kiosk")};
    }

    std::vector<std::string> response_columns() {
        return server_->query(postgres() ? "SELECT column_name FROM information_schema.columns "
                                           "WHERE table_name = 'responses' ORDER BY ordinal_position"
                                         : "SELECT name FROM pragma_table_info('responses') ORDER BY cid");
    }

    // Every stored response as the kiosk sent it, rebuilt through the codec from the stored row
    // (rows of schema 1 have no kiosk_id: it was the kiosk's name). Ordered by kiosk, then id.
    std::vector<Response> stored_responses() {
        const std::string null = "(null)";
        std::vector<std::vector<std::string>> columns;
        for (const std::string& c : record::row_columns()) {
            std::string expr = c == "kiosk_id" ? "coalesce(kiosk_id, kiosk)" : "CAST(" + c + " AS TEXT)";
            if (postgres() && (c == "started_at" || c == "submitted_at"))
                expr = "to_char(" + c + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
            columns.push_back(
                server_->query("SELECT coalesce(" + expr + ", '" + null + "') FROM responses ORDER BY kiosk, id"));
        }
        std::vector<Response> out;
        for (std::size_t i = 0; i < columns.at(0).size(); ++i) {
            record::Row row;
            for (const auto& column : columns)
                row.push_back(column.at(i) == null ? std::nullopt : std::optional<std::string>(column.at(i)));
            out.push_back(record::from_row(row));
        }
        return out;
    }
};

TEST_P(MigrationTest, UpgradeKeepsEveryRowAndSpellsAbsentLocationNull) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    old_store();
    ASSERT_EQ(server_->query(kVersion), std::vector<std::string>{"1"});
    ASSERT_EQ(server_->query("SELECT count(*) FROM responses WHERE location = ''").at(0), "23");
    Snapshot before = snapshot();
    ASSERT_EQ(before.responses.size(), 46u);
    ASSERT_EQ(before.kiosks.size(), 3u);
    ASSERT_EQ(before.heartbeats.size(), 2u);

    server_->start();
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    Snapshot after = snapshot();
    EXPECT_EQ(after.responses, before.responses);  // same ids per kiosk, seq, content hash and answers
    EXPECT_EQ(after.kiosks, before.kiosks);
    EXPECT_EQ(after.heartbeats, before.heartbeats);
    EXPECT_EQ(server_->response_ids("with-location").size(), 23u);
    EXPECT_EQ(server_->response_ids("no-location").size(), 23u);
    EXPECT_EQ(server_->query("SELECT kiosk || ' ' || coalesce(location, 'NULL') || ' ' || count(*) FROM responses "
                             "GROUP BY kiosk, location ORDER BY kiosk"),
              (std::vector<std::string>{"no-location NULL 23", "with-location 022 23"}));
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses WHERE kiosk_id IS NULL").at(0), "46");
    // Schema 6: its answers counted per kiosk and day; its heartbeats are version 1's.
    EXPECT_EQ(server_->query("SELECT kiosk || ' ' || CAST(sum(answers) AS TEXT) FROM kiosk_days GROUP BY kiosk "
                             "ORDER BY kiosk"),
              (std::vector<std::string>{"no-location 23", "with-location 23"}));
    EXPECT_EQ(server_
                  ->query("SELECT count(*) FROM heartbeats WHERE heartbeat_version = 1 AND sessions_started IS "
                          "NULL AND rejected_reasons = '[]'")
                  .at(0),
              "2");
    EXPECT_EQ(response_columns(), kColumnsV8);
    EXPECT_EQ(server_->query(postgres() ? "SELECT indexname FROM pg_indexes WHERE tablename = 'responses' ORDER BY 1"
                                        : "SELECT name FROM sqlite_schema WHERE type = 'index' AND "
                                          "tbl_name = 'responses' ORDER BY 1"),
              (std::vector<std::string>{"responses_by_time",
                                        postgres() ? "responses_pkey" : "sqlite_autoindex_responses_1"}));
    // Schema 5: exports find a survey's rows in time order through an index, not by sorting.
    EXPECT_EQ(server_->query(postgres() ? "SELECT indexdef FROM pg_indexes WHERE indexname = 'responses_by_time'"
                                        : "SELECT sql FROM sqlite_schema WHERE name = 'responses_by_time'")
                      .at(0)
                      .find("(survey_id, submitted_at)") != std::string::npos,
              true);

    // Schema 3: idempotency records expire, found by their age through an index.
    EXPECT_EQ(server_->query(postgres() ? "SELECT indexname FROM pg_indexes WHERE tablename = 'idempotency' "
                                          "AND indexdef LIKE '%(created_at)%'"
                                        : "SELECT name FROM sqlite_schema WHERE type = 'index' AND "
                                          "tbl_name = 'idempotency' AND sql LIKE '%(created_at)%'"),
              std::vector<std::string>{"idempotency_by_created_at"});

    // The revoked kiosk stays revoked: even with a token the test knows, it is turned away.
    EXPECT_EQ(
        server_->query("SELECT count(*) FROM kiosks WHERE revoked_at IS NOT NULL AND name = 'revoked-kiosk'").at(0),
        "1");
    use_kiosk("revoked-kiosk");
    EXPECT_EQ(post_batch(std::vector<Response>{valid_response(kiosk_)}).status, 401);
}

TEST_P(MigrationTest, ResponseStoredBeforeUpgradeSentAgainIsDuplicateNotConflict) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    old_store();
    server_->start();
    std::vector<Response> stored = stored_responses();
    ASSERT_EQ(stored.size(), 46u);
    for (const std::string kiosk : {"no-location", "with-location"}) {
        std::vector<Response> batch;
        for (const auto& r : stored)
            if (r.kiosk_id == kiosk) batch.push_back(r);
        ASSERT_EQ(batch.size(), 23u);
        EXPECT_EQ(batch[0].location, kiosk == "with-location" ? std::optional<std::string>("022") : std::nullopt);
        use_kiosk(kiosk);
        for (const auto& r : results(post_batch(batch), batch))
            EXPECT_EQ(r.status, Status::Duplicate) << kiosk << " " << r.id << ": " << r.code << " " << r.reason;

        // The check can tell: other content under a stored id is still a conflict.
        std::vector<Response> changed{batch[0]};
        changed[0].seq += 1000;
        EXPECT_EQ(results(post_batch(changed), changed).at(0).code, "conflict");
    }
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses").at(0), "46");
}

// Lätt svenska was tagged "sv-easy" (not valid BCP 47) until issue 12; the fixture holds two such
// answers. They stay as stored, leave the store in every export as "sv-x-easy" with the language's
// name, and are recognised when a kiosk sends them again under the new tag. A kiosk of before
// then may still send "sv-easy": it is stored as "sv-x-easy".
TEST_P(MigrationTest, EasySwedishStoredUnderItsFormerTagLeavesAsSvXEasy) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    old_store();
    server_->start();
    // One answer of each kiosk (the two fixtures were made apart: their ids differ).
    const std::vector<std::string> old_ids = server_->query("SELECT id FROM responses WHERE language = 'sv-easy'");
    ASSERT_EQ(old_ids.size(), 2u);
    auto languages_of = [&](const std::string& ids) {
        return server_->query("SELECT language FROM responses WHERE id IN (" + ids + ") ORDER BY id");
    };

    // Sent again by an upgraded kiosk, which reads them as "sv-x-easy": the same responses.
    for (const std::string kiosk : {"no-location", "with-location"}) {
        std::vector<Response> again;
        for (const auto& r : stored_responses())
            if (r.kiosk_id == kiosk && std::find(old_ids.begin(), old_ids.end(), r.id) != old_ids.end())
                again.push_back(r);
        ASSERT_EQ(again.size(), 1u);
        EXPECT_EQ(again[0].language, "sv-x-easy");
        use_kiosk(kiosk);
        for (const auto& r : results(post_batch(again), again))
            EXPECT_EQ(r.status, Status::Duplicate) << kiosk << " " << r.id << ": " << r.code << " " << r.reason;
        Response changed = again[0];
        changed.seq += 1000;
        EXPECT_EQ(results(post_batch(std::vector<Response>{changed}), std::vector<Response>{changed}).at(0).code,
                  "conflict")
            << "other content under the former tag is still a conflict";
    }

    EXPECT_EQ(server_->query("SELECT count(*) FROM responses WHERE language = 'sv-easy'").at(0), "2")
        << "stored rows are never rewritten";

    // A kiosk not yet upgraded sends the former tag; an upgraded one the new tag.
    use_kiosk("with-location");
    Response before = valid_response(kiosk_, 200), now = valid_response(kiosk_, 201);
    before.language = "sv-easy";
    now.language = "sv-x-easy";
    Json item = record::to_wire(before);
    item["language"] = "sv-easy";  // to_wire itself writes the new tag
    std::string body = Json{{"responses", {item, Json(record::to_wire(now))}}}.dump();
    std::vector<Response> both{before, now};
    for (const auto& r : results(post_batch(body), both)) EXPECT_EQ(r.status, Status::Created) << r.reason;
    EXPECT_EQ(languages_of("'" + before.id + "', '" + now.id + "'"),
              (std::vector<std::string>{"sv-x-easy", "sv-x-easy"}));
    for (const auto& r : results(post_batch(body), both)) EXPECT_EQ(r.status, Status::Duplicate) << r.reason;

    TempDir dir;
    auto out = server_->cli({"export", "responses", "--include-flagged", "--out", dir.path() + "/svar.json"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    std::string text = read_file(dir.path() + "/svar.json");
    EXPECT_EQ(text.find("sv-easy"), std::string::npos);
    std::map<std::string, std::string> easy;  // id -> language name
    const Json doc = Json::parse(text);
    for (const auto& row : doc["Svar"])
        if (row["språk"] == "sv-x-easy") easy[row["id"].get<std::string>()] = row["språk_namn"].get<std::string>();
    EXPECT_EQ(easy, (std::map<std::string, std::string>{{old_ids[0], "Lätt svenska"},
                                                        {old_ids[1], "Lätt svenska"},
                                                        {before.id, "Lätt svenska"},
                                                        {now.id, "Lätt svenska"}}))
        << text.substr(0, 2000);
}

TEST_P(MigrationTest, BatchAfterUpgradeStoresKioskIdAndNullForAbsentLocation) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    old_store();
    server_->start();
    use_kiosk("with-location");
    Response absent = valid_response(kiosk_, 100), here = valid_response(kiosk_, 101);
    ASSERT_FALSE(absent.location);
    here.location = "022";
    std::vector<Response> batch{absent, here};
    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Created) << r.reason;
    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Duplicate) << r.reason;

    auto stored = [&](const Response& r) {
        return server_->query(
            "SELECT coalesce(kiosk_id, 'NULL') || ' ' || coalesce(location, 'NULL') FROM responses "
            "WHERE id = '" +
            r.id + "'");
    };
    EXPECT_EQ(stored(absent), std::vector<std::string>{"with-location NULL"});
    EXPECT_EQ(stored(here), std::vector<std::string>{"with-location 022"});
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses WHERE location = ''").at(0), "0");
}

TEST_P(MigrationTest, NewerSchemaIsRefusedAndLeftUntouched) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    old_store();
    execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    std::string bytes = postgres() ? "" : read_file(sqlite_file());

    auto status = server_->cli({"status"});
    EXPECT_EQ(status.exit_code, 1);
    EXPECT_NE(status.err.find("schema version 99 is newer than this lkp-store understands (" +
                              std::to_string(server::kServerSchemaVersion) + ")"),
              std::string::npos)
        << status.err;
    EXPECT_NE(status.err.find("left untouched"), std::string::npos) << status.err;
    EXPECT_THROW(server_->start(), std::runtime_error);
    EXPECT_NE(server_->log().find("schema version 99"), std::string::npos) << server_->log();

    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{"99"});
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses WHERE location = ''").at(0), "23");
    EXPECT_EQ(response_columns().size(), 14u);  // no kiosk_id added
    if (!postgres()) {
        EXPECT_TRUE(read_file(sqlite_file()) == bytes) << "the refused file was changed";
        EXPECT_TRUE(!exists(sqlite_file() + "-wal") || read_file(sqlite_file() + "-wal").empty());
    }
}

// Two processes open the same old store at once: one upgrades, the other waits and finds it done.
TEST_P(MigrationTest, TwoProcessesOpeningAnOldStoreAtOnceBothSucceed) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    old_store();
    std::vector<StoreServer::CliResult> out(2);
    std::latch go(2);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < out.size(); ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            out[i] = server_->cli({"status"});
        });
    for (auto& t : threads) t.join();
    for (const auto& o : out) EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses WHERE location IS NULL").at(0), "23");
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses").at(0), "46");
}

TEST_P(MigrationTest, FreshStoreRunsEveryStep) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    StoreTest::SetUp();  // a new database, the server started on it
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    EXPECT_EQ(response_columns(), kColumnsV8);
    if (!postgres()) {  // the pragmas still come before the first table
        EXPECT_EQ(server_->query("PRAGMA page_size"), std::vector<std::string>{"16384"});
        EXPECT_EQ(server_->query("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
    }
}

// A store of schema 2 (what e72dda3 made: here a fresh store taken back to 2 by undoing step 3)
// gains the index of step 3 and keeps its Idempotency-Key records.
TEST_P(MigrationTest, SchemaTwoStoreIsUpgradedToThree) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    StoreTest::SetUp();
    auto batch = std::vector<Response>{valid_response(kiosk_)};
    std::string key = new_uuid_v4();
    Reply first = post_batch(batch, key);
    ASSERT_EQ(first.status, 200);
    server_->stop();
    roll_back_to(3);
    execute("DROP INDEX idempotency_by_created_at");
    execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'");

    server_->start();
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    EXPECT_EQ(server_
                  ->query(postgres() ? "SELECT count(*) FROM pg_indexes WHERE indexname = 'idempotency_by_created_at'"
                                     : "SELECT count(*) FROM sqlite_schema WHERE name = 'idempotency_by_created_at'")
                  .at(0),
              "1");
    EXPECT_EQ(post_batch(batch, key).body, first.body);
}

// A store of schema 3 (main at 7984d33) holding answers gains the indicator tables, and `serve`
// adds up the answers it already had before it answers: the sums equal those kept as they arrived.
TEST_P(MigrationTest, SchemaThreeStoreIsUpgradedToFourAndItsAnswersAreSummed) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    StoreTest::SetUp();
    std::vector<Response> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(valid_response(kiosk_, i + 1));
    ASSERT_EQ(post_batch(batch).status, 200);
    const std::string sums =
        "SELECT day || indicator || district || gender || CAST(n AS TEXT) AS r FROM indicator_days ORDER BY r";
    std::vector<std::string> kept = server_->query(sums);
    ASSERT_FALSE(kept.empty());
    server_->stop();
    roll_back_to(3);

    server_->start();
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    EXPECT_EQ(server_->query(sums), kept);
    EXPECT_NE(server_->log().find("indicator sums rebuilt from 20 answers"), std::string::npos) << server_->log();
}

// A store of schema 5 (main at b3bb54e) holding answers gains the kiosk health of schema 6: its
// answers are counted per kiosk and Stockholm day by the migration (SQL on each backend, so
// compared here with lib/indicators' calendar around both clock changes and New Year), exactly as
// batches count them, and its heartbeats are kept as version 1 heartbeats.
TEST_P(MigrationTest, SchemaFiveStoreIsUpgradedToSixAndItsAnswersAreCountedPerDay) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    StoreTest::SetUp();
    using namespace std::chrono;
    // Last year: answers of every age the store takes, and no clock change of this year to come.
    int y = static_cast<int>(year_month_day{floor<days>(system_clock::now())}.year()) - 1;
    sys_days march{year{y} / March / Sunday[last]}, october{year{y} / October / Sunday[last]};
    const std::vector<std::pair<system_clock::time_point, std::string>> times = {
        {march - 1h - 1s, "03-" + std::to_string(unsigned(year_month_day{march}.day()) - 1)},  // 23:59:59 CET
        {march - 1h, ""},  // midnight CET: the Sunday
        {march + 1h - 1ms, ""},
        {march + 1h, ""},  // 03:00 CEST
        {october - 2h - 1s, ""},
        {october - 2h, ""},  // midnight CEST: the Sunday
        {october + 1h - 1s, ""},
        {october + 1h, ""},
        {october + 23h - 1s, ""},
        {october + 23h, ""},  // midnight CET: the Monday
        {sys_days{year{y} / July / 1} + 22h - 1s, ""},
        {sys_days{year{y} / July / 1} + 22h, ""},
        {sys_days{year{y} / December / 31} + 23h, std::to_string(y + 1) + "-01-01"},
    };
    std::vector<Response> batch;
    std::map<std::string, int> expected;  // "day kiosk" -> answers
    for (const auto& [t, _] : times) {
        Response r = valid_response(kiosk_, static_cast<std::int64_t>(batch.size() + 1));
        r.submitted_at = format_utc(t);
        r.started_at = format_utc(t - 30s);
        batch.push_back(r);
        ++expected[server::stockholm_day(r.submitted_at) + " " + kiosk_];
    }
    // lib/indicators' calendar itself, at a few of them.
    EXPECT_EQ(server::stockholm_day(batch[0].submitted_at), std::to_string(y) + "-" + times[0].second);
    EXPECT_EQ(server::stockholm_day(batch[1].submitted_at), batch[3].submitted_at.substr(0, 10));
    EXPECT_EQ(server::stockholm_day(batch[5].submitted_at), batch[7].submitted_at.substr(0, 10));
    EXPECT_NE(server::stockholm_day(batch[9].submitted_at), batch[8].submitted_at.substr(0, 10));
    EXPECT_EQ(server::stockholm_day(batch[12].submitted_at), times[12].second);
    for (const auto& r : results(post_batch(batch), batch)) ASSERT_EQ(r.status, Status::Created) << r.reason;
    sync::Heartbeat h{.kiosk_id = kiosk_, .program_version = "0.1.0", .sent_at = format_utc(system_clock::now())};
    h.version = 1;
    ASSERT_EQ(post(sync::kHeartbeatPath, sync::encode_heartbeat(h), {{"Authorization", "Bearer " + token_}}).status,
              204);

    const std::string per_day =
        "SELECT day || ' ' || kiosk || ' ' || CAST(answers AS TEXT) AS r FROM kiosk_days ORDER BY r";
    std::vector<std::string> kept = server_->query(per_day);
    std::vector<std::string> wanted;
    for (const auto& [key, n] : expected) wanted.push_back(key + " " + std::to_string(n));
    ASSERT_EQ(kept, wanted) << "batches count each answer in its Stockholm day";
    server_->stop();
    roll_back_to(5);
    ASSERT_EQ(server_->query("SELECT count(*) FROM heartbeats").at(0), "1");

    server_->start();
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    EXPECT_EQ(server_->query(per_day), kept) << "the migration counts as the batches did";
    EXPECT_EQ(server_->query("SELECT program_version || ' ' || CAST(heartbeat_version AS TEXT) || ' ' || "
                             "coalesce(CAST(sessions_started AS TEXT), 'NULL') || ' ' || rejected_reasons "
                             "FROM heartbeats"),
              std::vector<std::string>{"0.1.0 1 NULL []"});

    // Batches after the upgrade go on counting, once.
    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Duplicate) << r.reason;
    std::vector<Response> more = {valid_response(kiosk_, 100)};
    more[0].submitted_at = batch[0].submitted_at;
    more[0].started_at = batch[0].started_at;
    ASSERT_EQ(post_batch(more).status, 200);
    EXPECT_EQ(server_->query("SELECT CAST(answers AS TEXT) FROM kiosk_days WHERE day = '" +
                             server::stockholm_day(batch[0].submitted_at) + "'"),
              std::vector<std::string>{
                  std::to_string(expected[server::stockholm_day(batch[0].submitted_at) + " " + kiosk_] + 1)});
}

// A store of schema 7 (main at d157711) holding answers gains the clock columns of schema 8:
// every row and its sums stay as they were, none is flagged (each passed the old check, which is
// the rule without Kiosk-Sent-At) and none has a kiosk clock (no kiosk sent one); the same batch
// sent again is a duplicate; a batch of a kiosk three years behind is then kept and flagged.
TEST_P(MigrationTest, SchemaSevenStoreIsUpgradedToEightAndKeepsEveryRow) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    StoreTest::SetUp();
    std::vector<Response> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(valid_response(kiosk_, i + 1));
    ASSERT_EQ(post_batch(batch).status, 200);
    const std::string rows =
        "SELECT kiosk || ' ' || id || ' ' || CAST(seq AS TEXT) || ' ' || content_hash || ' ' || "
        "CAST(received_at AS TEXT) AS r FROM responses ORDER BY r";
    const std::string sums =
        "SELECT day || indicator || district || gender || CAST(n AS TEXT) AS r FROM indicator_days ORDER BY r";
    server_->stop();
    roll_back_to(7);
    const std::vector<std::string> rows_before = server_->query(rows), sums_before = server_->query(sums);
    ASSERT_EQ(rows_before.size(), 20u);
    ASSERT_EQ(response_columns(), kColumnsV2);

    server_->start();
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    EXPECT_EQ(response_columns(), kColumnsV8);
    EXPECT_EQ(server_->query(rows), rows_before);
    EXPECT_EQ(server_->query(sums), sums_before);
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses WHERE NOT clock_flag AND kiosk_sent_at IS NULL").at(0),
              "20");
    EXPECT_EQ(server_->query("SELECT count(*) FROM kiosks WHERE batch_received_at IS NULL").at(0), "1");

    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Duplicate) << r.reason;
    const auto kiosk_now = std::chrono::system_clock::now() - std::chrono::days(3 * 365);
    std::vector<Response> behind = {valid_response(kiosk_, 21)};
    behind[0].submitted_at = format_utc(kiosk_now);
    behind[0].started_at = format_utc(kiosk_now - std::chrono::seconds(40));
    for (const auto& r : results(post_batch_sent_at(behind, format_utc(kiosk_now)), behind))
        EXPECT_EQ(r.status, Status::Created) << r.reason;
    EXPECT_EQ(server_->query("SELECT count(*) FROM responses WHERE clock_flag").at(0), "1");
}

// A store of schema 8 (main at 1d53c0b) with a kiosk's heartbeat gains the count of corrupt
// databases moved aside on the kiosk (schema 9): the stored heartbeat is kept and says nothing of
// it (NULL, "-" in kiosk list, not a reason), and the next heartbeat's count is kept and shown.
TEST_P(MigrationTest, SchemaEightStoreIsUpgradedToNineAndKeepsTheHeartbeat) {
    if (postgres() && !PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    StoreTest::SetUp();
    sync::Heartbeat h{.kiosk_id = kiosk_,
                      .program_version = "0.2.0",
                      .unsent = 4,
                      .free_disk_bytes = 9'000'000'000,
                      .sent_at = format_utc(std::chrono::system_clock::now())};
    h.sessions = sync::SessionCounts{.started = 5, .completed = 4, .abandoned = 1, .abandoned_at = {{"district", 1}}};
    const httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
    ASSERT_EQ(post(sync::kHeartbeatPath, sync::encode_heartbeat(h), auth).status, 204);
    const std::string stored =
        "SELECT program_version || ' ' || CAST(unsent AS TEXT) || ' ' || CAST(sessions_started AS TEXT) || ' ' || "
        "abandoned_at || ' ' || sent_at FROM heartbeats";
    server_->stop();
    roll_back_to(8);
    const std::vector<std::string> before = server_->query(stored);
    ASSERT_EQ(before.size(), 1u);

    server_->start();
    EXPECT_EQ(server_->query(kVersion), std::vector<std::string>{"9"});
    EXPECT_EQ(server_->query(stored), before);
    EXPECT_EQ(server_->query("SELECT coalesce(CAST(quarantined_databases AS TEXT), 'NULL') FROM heartbeats"),
              std::vector<std::string>{"NULL"});
    auto line = [&] {
        auto list = server_->cli({"kiosk", "list"});
        EXPECT_EQ(list.exit_code, 0) << list.err;
        return list.out;
    };
    std::string listed = line();
    EXPECT_NE(listed.find("status=ok  reasons=-"), std::string::npos) << listed;
    EXPECT_NE(listed.find("  quarantined_databases=-  "), std::string::npos) << listed;

    h.quarantined_databases = 1;
    h.sent_at = format_utc(std::chrono::system_clock::now());
    ASSERT_EQ(post(sync::kHeartbeatPath, sync::encode_heartbeat(h), auth).status, 204);
    EXPECT_EQ(server_->query("SELECT CAST(quarantined_databases AS TEXT) FROM heartbeats"),
              std::vector<std::string>{"1"});
    listed = line();
    EXPECT_NE(listed.find("status=failing  reasons=database_moved_aside"), std::string::npos) << listed;
    EXPECT_NE(listed.find("  quarantined_databases=1  "), std::string::npos) << listed;
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
