// The HTTP surface around batches: health, tokens, heartbeats, TLS, routing, reconnecting.
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

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
    // Each line is written after its answer, by whichever worker served it: the last request's
    // line can come before the others', so wait for each (it failed now and then under load).
    server_->log_once_it_holds("POST /v1/batches 200");
    server_->log_once_it_holds("GET /v1/health 200");
    std::string log = server_->log_once_it_holds("POST /v1/heartbeat 401");
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

// Heartbeat text reached `kiosk list` raw: a fake kiosk line, a terminal title change and a
// screen clear were injected into the operator's terminal. It is stored as sent, shown escaped.
TEST_P(ApiTest, HeartbeatTextReachesTheTerminalEscaped) {
    const std::string fake_line = "\nkiosk-0  created=2026-01-01T00:00:00.000Z  revoked=no  heartbeat=never\n";
    sync::Heartbeat h{.kiosk_id = kiosk_,
                      .program_version = "0.1\x1b]0;owned\x07",
                      .last_error = "timeout" + fake_line +
                                    "\x1b]0;owned\x07\x1b[2J\r\x7f\xc2\x9b"
                                    "2J\u202e" +
                                    std::string("\0tail", 5),
                      .sent_at = format_utc(std::chrono::system_clock::now())};
    Reply r = post(sync::kHeartbeatPath, sync::encode_heartbeat(h), {{"Authorization", "Bearer " + token_}});
    ASSERT_EQ(r.status, 204) << r.body;
    server_->add_kiosk("kiosk-2");

    auto list = server_->cli({"kiosk", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 2) << list.out;  // one line per kiosk
    for (std::size_t i = 0; i < list.out.size(); ++i) {
        auto c = static_cast<unsigned char>(list.out[i]);
        EXPECT_TRUE(c >= 0x20 || c == '\n') << "byte " << int(c) << " at " << i << " of " << list.out;
        EXPECT_NE(c, 0x7f) << i;
        if (c == 0xc2 && i + 1 < list.out.size()) {
            auto next = static_cast<unsigned char>(list.out[i + 1]);
            EXPECT_FALSE(next >= 0x80 && next < 0xa0) << "C1 control at " << i;
        }
    }
    EXPECT_EQ(list.out.find("\u202e"), std::string::npos);
    for (const char* part : {"last_error=\"timeout\\nkiosk-0  created=", "\\x1b]0;owned\\x07\\x1b[2J", "tail\""})
        EXPECT_NE(list.out.find(part), std::string::npos) << part << " not in: " << list.out;
}

TEST_P(ApiTest, HeartbeatSentAtMustBeAUtcTime) {
    sync::Heartbeat h{.kiosk_id = kiosk_, .program_version = "0.1.0", .sent_at = "\x1b[2Jyesterday"};
    Reply r = post(sync::kHeartbeatPath, sync::encode_heartbeat(h), {{"Authorization", "Bearer " + token_}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(is_problem(r)) << r.body;
    EXPECT_NE(r.body.find("sent_at"), std::string::npos) << r.body;
    EXPECT_NE(server_->cli({"kiosk", "list"}).out.find("heartbeat=never"), std::string::npos);
}

// A revoked kiosk's name could not be used again. Adding it again now gives it a new token and
// lets it send; its old token stays revoked. An active name is still refused.
TEST_P(ApiTest, RevokedKioskIsAddedAgainWithANewToken) {
    auto active = server_->cli({"kiosk", "add", kiosk_});
    EXPECT_EQ(active.exit_code, 1);
    EXPECT_NE(active.err.find("already exists"), std::string::npos) << active.err;
    EXPECT_NE(active.err.find("revoke"), std::string::npos) << active.err;

    ASSERT_EQ(server_->cli({"kiosk", "revoke", kiosk_}).exit_code, 0);
    auto again = server_->cli({"kiosk", "add", kiosk_});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("was revoked"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("old token stays revoked"), std::string::npos) << again.out;
    std::string old_token = token_;
    std::string out = again.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    std::string new_token = out.substr(out.rfind('\n') + 1);
    EXPECT_EQ(new_token.rfind("lkp_", 0), 0u) << again.out;
    EXPECT_NE(new_token, old_token);

    token_ = new_token;
    EXPECT_EQ(post_batch(std::vector<Response>{valid_response(kiosk_)}).status, 200);
    token_ = old_token;
    EXPECT_EQ(post_batch(std::vector<Response>{valid_response(kiosk_)}).status, 401);
    auto list = server_->cli({"kiosk", "list"});
    EXPECT_NE(list.out.find("revoked=no"), std::string::npos) << list.out;
    EXPECT_EQ(server_->query("SELECT count(*) FROM kiosks").at(0), "1");
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
    Certificate c = self_signed_certificate(tls, "store");
    start_server({"--tls-cert", c.cert, "--tls-key", c.key});
    ASSERT_EQ(server_->url().rfind("https://", 0), 0u);

    httplib::Client client(server_->url());
    client.set_ca_cert_path(c.cert);
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

// The store's SQLite files hold every answer: only their owner may read them, whatever the umask
// of whoever starts lkp-store (they were created 0644). Checked on files the CLI creates and on
// the -wal and -shm of a running server.
TEST(StoreFiles, AreReadableOnlyByTheirOwner) {
    mode_t old_umask = umask(022);
    StoreServer store;
    auto mode = [&](const std::string& suffix) {
        struct stat st {};
        std::string path = store.db_args()[1] + suffix;
        EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
        return st.st_mode & 0777;
    };
    ASSERT_FALSE(store.add_kiosk("kiosk-1").empty());
    EXPECT_EQ(mode(""), 0600u);
    store.start();
    EXPECT_EQ(mode(""), 0600u);
    EXPECT_EQ(mode("-wal"), 0600u);
    EXPECT_EQ(mode("-shm"), 0600u);
    umask(old_umask);
}

// A LATIN1 database would garble Arabic or Tigrinya answers, or fail their batch on every resend:
// refused at open, with the encoding named, and left untouched.
TEST_P(ApiTest, PostgresDatabaseNotInUtf8IsRefused) {
    if (GetParam() != Backend::Postgres) GTEST_SKIP() << "PostgreSQL only";
    static std::atomic<int> n{0};
    std::string name = "latin1_" + std::to_string(getpid()) + "_" + std::to_string(++n);
    RunResult made =
        run({"/usr/lib/postgresql/15/bin/psql", cluster_->url(), "-c",
             "CREATE DATABASE " + name + " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    RunResult r = run({LKP_STORE_BIN, "status", "--postgres", cluster_->url(name)});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("LATIN1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("UTF8"), std::string::npos) << r.err;
    RunResult tables = run({"/usr/lib/postgresql/15/bin/psql", "-At", cluster_->url(name), "-c",
                            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"});
    EXPECT_EQ(tables.out, "0\n") << "nothing was created";
}

// A password in --postgres shows in `ps` to every user of the machine: refused before anything
// connects, pointing to PGPASSWORD and ~/.pgpass, which libpq reads itself.
TEST(PostgresUrl, WithAPasswordIsRefusedBeforeConnecting) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener, 8), 0);
    ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    std::string port = std::to_string(ntohs(addr.sin_port));
    for (const std::string& url : {"postgresql://lkp:s3cret-pw@127.0.0.1:" + port + "/store",
                                   "postgres://127.0.0.1:" + port + "/store?user=lkp&password=s3cret-pw",
                                   "host=127.0.0.1 port=" + port + " dbname=store password=s3cret-pw"}) {
        SCOPED_TRACE(url);
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"status"}, {"kiosk", "list"}, {"serve", "--listen", "127.0.0.1:1"}}) {
            std::vector<std::string> argv{LKP_STORE_BIN};
            argv.insert(argv.end(), args.begin(), args.end());
            argv.insert(argv.end(), {"--postgres", url});
            RunResult r = run(argv);
            EXPECT_EQ(r.exit_code, 2) << r.err;
            EXPECT_NE(r.err.find("PGPASSWORD"), std::string::npos) << r.err;
            EXPECT_NE(r.err.find(".pgpass"), std::string::npos) << r.err;
            EXPECT_EQ(r.err.find("s3cret-pw"), std::string::npos) << r.err;
        }
    }
    EXPECT_LT(accept(listener, nullptr, nullptr), 0) << "lkp-store connected";
    close(listener);
}

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
