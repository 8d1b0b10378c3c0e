// The HTTP surface around batches: health, tokens, heartbeats, TLS, routing, reconnecting.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>

#include "protocol/heartbeat.h"
#include "store_fixture.h"

namespace lkp::test {
namespace {

class ApiTest : public StoreTest {};

bool is_problem(const Reply& r) {
    return r.header("Content-Type") == "application/problem+json" && r.body.find("\"title\"") != std::string::npos;
}

TEST_P(ApiTest, HealthNamesTheStorage) {
    Reply r = get(sync::kHealthPath);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(Json::parse(r.body)["storage"], GetParam() == Backend::Sqlite ? "sqlite" : "postgresql");
}

TEST_P(ApiTest, MissingWrongOrRevokedTokenIs401) {
    std::string body = sync::encode_batch({valid_response(kiosk_)});
    auto send = [&](httplib::Headers h) {
        h.emplace("Idempotency-Key", new_uuid_v4());
        return post(sync::kBatchPath, body, h);
    };
    for (const Reply& r :
         {send({}), send({{"Authorization", "Bearer lkp_wrong"}}), send({{"Authorization", "Basic " + token_}})}) {
        EXPECT_EQ(r.status, 401) << r.body;
        EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
        EXPECT_TRUE(is_problem(r)) << r.body;
    }
    ASSERT_EQ(send({{"Authorization", "Bearer " + token_}}).status, 200);

    auto revoke = server_->cli({"kiosk", "revoke", kiosk_});
    ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
    EXPECT_EQ(send({{"Authorization", "Bearer " + token_}}).status, 401);
    EXPECT_EQ(server_->response_ids(kiosk_).size(), 1u);
}

TEST_P(ApiTest, TokenIsStoredOnlyAsItsHash) {
    EXPECT_EQ(token_.rfind("lkp_", 0), 0u);
    EXPECT_EQ(token_.size(), 4u + 43u);
    auto hashes = server_->query("SELECT token_hash FROM kiosks");
    ASSERT_EQ(hashes.size(), 1u);
    EXPECT_EQ(hashes[0].size(), 64u);
    EXPECT_EQ(hashes[0].find(token_.substr(4)), std::string::npos);
    if (GetParam() == Backend::Sqlite) {  // no copy anywhere in the files, WAL included
        std::string db = server_->db_args()[1];
        EXPECT_EQ((read_file(db) + read_file(db + "-wal")).find(token_.substr(4)), std::string::npos);
    } else {
        auto rows = server_->query("SELECT count(*) FROM kiosks k WHERE row_to_json(k)::text LIKE '%" +
                                   token_.substr(4) + "%'");
        EXPECT_EQ(rows.at(0), "0");
    }
}

TEST_P(ApiTest, KioskNamesAreCheckedAndUnique) {
    EXPECT_EQ(server_->cli({"kiosk", "add", kiosk_}).exit_code, 1);
    EXPECT_EQ(server_->cli({"kiosk", "add", "no spaces"}).exit_code, 2);
    EXPECT_EQ(server_->cli({"kiosk", "add", std::string(65, 'a')}).exit_code, 2);
    EXPECT_EQ(server_->cli({"kiosk", "revoke", "nobody"}).exit_code, 1);
}

TEST_P(ApiTest, HeartbeatIsStoredAndListed) {
    sync::Heartbeat h{.kiosk_id = kiosk_,
                      .program_version = "0.1.0",
                      .unsent = 7,
                      .rejected = 1,
                      .oldest_unsent_age_s = 3600,
                      .free_disk_bytes = 123456789,
                      .last_error = "timeout",
                      .sent_at = format_utc(std::chrono::system_clock::now())};
    httplib::Headers auth{{"Authorization", "Bearer " + token_}};
    Reply r = post(sync::kHeartbeatPath, sync::encode_heartbeat(h), auth);
    EXPECT_EQ(r.status, 204) << r.body;

    auto list = server_->cli({"kiosk", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    for (const char* part : {"version=0.1.0", "unsent=7", "oldest_unsent_age_s=3600", "free_disk_bytes=123456789",
                             "last_error=\"timeout\"", "heartbeat_at=20"})
        EXPECT_NE(list.out.find(part), std::string::npos) << part << " not in: " << list.out;

    h.kiosk_id = "another-kiosk";
    Reply wrong = post(sync::kHeartbeatPath, sync::encode_heartbeat(h), auth);
    EXPECT_EQ(wrong.status, 403);
    EXPECT_TRUE(is_problem(wrong));
    EXPECT_EQ(post(sync::kHeartbeatPath, "{\"kiosk_id\": 5}", auth).status, 400);
}

sync::Heartbeat heartbeat_of(const std::string& kiosk) {
    return {.kiosk_id = kiosk,
            .program_version = "0.1.0",
            .unsent = 0,
            .rejected = 0,
            .last_error = "",
            .sent_at = format_utc(std::chrono::system_clock::now())};
}

// A kiosk (or a stolen token) sending faster than --kiosk-rate is told to wait; the burst is
// twice the rate, and another kiosk is not affected.
TEST_P(ApiTest, AKioskSendingTooOftenGets429AndOthersDoNot) {
    start_server({"--kiosk-rate", "2"});
    std::string other_token = server_->add_kiosk("kiosk-2");
    httplib::Headers auth{{"Authorization", "Bearer " + token_}};
    std::vector<int> statuses;
    for (int i = 0; i < 10; ++i)
        statuses.push_back(post(sync::kHeartbeatPath, sync::encode_heartbeat(heartbeat_of(kiosk_)), auth).status);
    EXPECT_EQ(statuses.front(), 204);
    ASSERT_EQ(statuses.back(), 429) << "10 heartbeats at once, but only a burst of 4 is allowed";
    EXPECT_GE(std::count(statuses.begin(), statuses.end(), 204), 4);
    Reply refused = post(sync::kHeartbeatPath, sync::encode_heartbeat(heartbeat_of(kiosk_)), auth);
    EXPECT_EQ(refused.header("Retry-After"), "1");
    EXPECT_TRUE(is_problem(refused)) << refused.body;
    Reply other = post(sync::kHeartbeatPath, sync::encode_heartbeat(heartbeat_of("kiosk-2")),
                       {{"Authorization", "Bearer " + other_token}});
    EXPECT_EQ(other.status, 204) << other.body;
}

// Each request's log line names its own client address and kiosk, never the previous one's.
TEST_P(ApiTest, LogLineNamesTheClientAndOnlyThisRequestsKiosk) {
    ASSERT_EQ(post_batch(std::vector<Response>{valid_response(kiosk_)}).status, 200);
    ASSERT_EQ(get(sync::kHealthPath).status, 200);
    Reply anonymous = post(sync::kHeartbeatPath, "{}", {});
    ASSERT_EQ(anonymous.status, 401);
    std::string log = server_->log();
    std::vector<std::string> lines;
    for (std::size_t at = 0, end; (end = log.find('\n', at)) != std::string::npos; at = end + 1)
        lines.push_back(log.substr(at, end - at));
    auto line_of = [&](const std::string& what) {
        for (const auto& l : lines)
            if (l.find(what) != std::string::npos) return l;
        return std::string();
    };
    EXPECT_EQ(line_of("POST /v1/batches 200").rfind("127.0.0.1 ", 0), 0u) << log;
    EXPECT_NE(line_of("POST /v1/batches 200").find("kiosk=" + kiosk_), std::string::npos) << log;
    std::string health = line_of("GET /v1/health 200"), refused = line_of("POST /v1/heartbeat 401");
    ASSERT_FALSE(health.empty()) << log;
    ASSERT_FALSE(refused.empty()) << log;
    EXPECT_EQ(health.find("kiosk="), std::string::npos) << health;
    EXPECT_EQ(refused.find("kiosk="), std::string::npos) << refused;
}

TEST_P(ApiTest, StatusCountsResponsesPerKiosk) {
    ASSERT_EQ(post_batch(std::vector<Response>{valid_response(kiosk_), valid_response(kiosk_)}).status, 200);
    auto status = server_->cli({"status"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("responses 2"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("kiosk " + kiosk_ + " 2"), std::string::npos) << status.out;
}

TEST_P(ApiTest, UnknownPathIs404AndWrongMethodIs405) {
    Reply missing = get("/v1/nothing");
    EXPECT_EQ(missing.status, 404);
    EXPECT_TRUE(is_problem(missing));
    Reply wrong = get(sync::kBatchPath);
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.header("Allow"), "POST");
    EXPECT_TRUE(is_problem(wrong));
    EXPECT_EQ(post(sync::kHealthPath, "{}", {}).status, 405);
}

TEST_P(ApiTest, IdempotencyKeyMustBeAUuidAndBodyJson) {
    std::string body = sync::encode_batch({valid_response(kiosk_)});
    httplib::Headers auth{{"Authorization", "Bearer " + token_}};
    Reply no_key = post(sync::kBatchPath, body, auth);
    EXPECT_EQ(no_key.status, 400);
    EXPECT_TRUE(is_problem(no_key));
    auto with_key = auth;
    with_key.emplace("Idempotency-Key", "not-a-uuid");
    EXPECT_EQ(post(sync::kBatchPath, body, with_key).status, 400);
    with_key = auth;
    with_key.emplace("Idempotency-Key", new_uuid_v4());
    Reply text = post(sync::kBatchPath, body, with_key, "text/plain");
    EXPECT_EQ(text.status, 415);
    EXPECT_TRUE(is_problem(text));
    EXPECT_TRUE(server_->response_ids(kiosk_).empty());
}

TEST_P(ApiTest, GzipBodyIsAccepted) {
    std::vector<Response> batch{valid_response(kiosk_)};
    Reply r =
        post(sync::kBatchPath, gzip(sync::encode_batch(batch)),
             {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", new_uuid_v4()}, {"Content-Encoding", "gzip"}});
    EXPECT_EQ(results(r, batch).at(0).status, sync::ItemResult::Status::Created);
}

TEST_P(ApiTest, ServesHttpsWithTheGivenCertificate) {
    TempDir tls;
    RunResult made =
        run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", tls.file("key.pem"), "-out", tls.file("cert.pem")});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    start_server({"--tls-cert", tls.file("cert.pem"), "--tls-key", tls.file("key.pem")});
    ASSERT_EQ(server_->url().rfind("https://", 0), 0u);

    httplib::Client client(server_->url());
    client.set_ca_cert_path(tls.file("cert.pem"));
    client.enable_server_certificate_verification(true);
    std::vector<Response> batch{valid_response(kiosk_)};
    auto res =
        client.Post(sync::kBatchPath, {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", new_uuid_v4()}},
                    sync::encode_batch(batch), "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(server_->response_ids(kiosk_).size(), 1u);

    httplib::Client plain("http://127.0.0.1:" + std::to_string(server_->port()));
    auto refused = plain.Get(sync::kHealthPath);
    EXPECT_TRUE(!refused || refused->status != 200);
}

TEST_P(ApiTest, StopsCleanlyOnSigterm) {
    server_->stop();
    EXPECT_NE(server_->log().find("SIGTERM received, stopping"), std::string::npos) << server_->log();
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

// PostgreSQL only: the server's connections are killed under it; it answers 503 with Retry-After
// (never a crash) and reconnects on a following request.
class PostgresReconnectTest : public StoreTest {};

TEST_P(PostgresReconnectTest, ReconnectsAfterConnectionsAreTerminated) {
    auto killed = server_->query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    ASSERT_NE(killed.at(0), "0");
    bool stored = false;
    for (int i = 0; i < 40 && !stored; ++i) {
        std::vector<Response> batch{valid_response(kiosk_)};
        Reply r = post_batch(batch);
        ASSERT_TRUE(r.status == 200 || r.status == 503) << r.status << " " << r.body;
        if (r.status == 503) {
            EXPECT_EQ(r.header("Retry-After"), "5");
        }
        stored = r.status == 200;
    }
    EXPECT_TRUE(stored) << server_->log();
    expect_healthy();
}

INSTANTIATE_TEST_SUITE_P(Backends, PostgresReconnectTest, ::testing::Values(Backend::Postgres), backend_name);

// SQLite only: another process holds the write lock past the busy timeout. The batch gets 503 with
// Retry-After (nothing half-written), and goes through once the lock is gone.
class SqliteLockedTest : public StoreTest {};

TEST_P(SqliteLockedTest, LockedDatabaseIs503ThenRecovers) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(server_->db_args()[1].c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
    std::vector<Response> batch{valid_response(kiosk_)};
    Reply locked = post_batch(batch);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    EXPECT_EQ(locked.status, 503) << locked.body;
    EXPECT_EQ(locked.header("Retry-After"), "5");
    // The cause is for the operator's log, not for whoever sent the request.
    EXPECT_EQ(locked.body.find("locked"), std::string::npos) << locked.body;
    EXPECT_EQ(locked.body.find(server_->db_args()[1]), std::string::npos) << locked.body;
    EXPECT_NE(server_->log().find("locked"), std::string::npos) << server_->log();
    EXPECT_EQ(results(post_batch(batch), batch).at(0).status, sync::ItemResult::Status::Created);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqliteLockedTest, ::testing::Values(Backend::Sqlite), backend_name);

}  // namespace
}  // namespace lkp::test
