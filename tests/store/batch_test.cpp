// Batches end to end: created, duplicate, conflict, idempotent replay, races and throughput.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <latch>
#include <thread>

#include "store_backend.h"
#include "store_fixture.h"

namespace lkp::test {
namespace {

using Status = sync::ItemResult::Status;

class BatchTest : public StoreTest {};

std::vector<Response> responses(std::size_t n, const std::string& kiosk) {
    std::vector<Response> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(valid_response(kiosk, static_cast<std::int64_t>(i + 1)));
    return out;
}

std::vector<std::string> sorted_ids(const std::vector<Response>& rs) {
    std::vector<std::string> ids;
    for (const auto& r : rs) ids.push_back(r.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

TEST_P(BatchTest, CreatedThenIdenticalResendIsDuplicate) {
    auto batch = responses(3, kiosk_);
    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Created);
    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Duplicate);
    EXPECT_EQ(server_->response_ids(kiosk_), sorted_ids(batch));
}

TEST_P(BatchTest, SameIdDifferentContentIsConflictAndStoredRowUnchanged) {
    std::vector<Response> first{valid_response(kiosk_)};
    ASSERT_EQ(results(post_batch(first), first).at(0).status, Status::Created);
    std::string sql = "SELECT content_hash FROM responses WHERE id = '" + first[0].id + "'";
    auto before = server_->query(sql);

    auto changed = first;
    changed[0].language = "en";
    auto r = results(post_batch(changed), changed).at(0);
    EXPECT_EQ(r.status, Status::Rejected);
    EXPECT_EQ(r.code, "conflict");
    EXPECT_EQ(server_->query(sql), before);
    EXPECT_EQ(server_->query("SELECT language FROM responses").at(0), "sv");
}

TEST_P(BatchTest, ReplayOfAKeyReturnsTheStoredBytes) {
    auto batch = responses(2, kiosk_);
    std::string key = new_uuid_v4();
    Reply first = post_batch(batch, key);
    Reply again = post_batch(batch, key);
    ASSERT_EQ(first.status, 200);
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(again.body, first.body);  // says "created" again: the stored answer, not a re-run
    EXPECT_EQ(results(again, batch).at(0).status, Status::Created);
}

// Idempotency records are kept for kIdempotencyRetention, then deleted: exactly-once rests on the
// (kiosk, id) uniqueness, the record only makes a kiosk's retry byte-identical. Without expiry the
// table grew for ever (60 KB of uploads grew a store by 64 MB).
TEST_P(BatchTest, IdempotencyRecordsOlderThanTheRetentionAreDeleted) {
    auto batch = responses(2, kiosk_);
    std::string key = new_uuid_v4();
    Reply first = post_batch(batch, key);
    ASSERT_EQ(first.status, 200);

    auto ago = [](std::chrono::system_clock::duration d) { return format_utc(std::chrono::system_clock::now() - d); };
    const std::string expired = new_uuid_v4(), kept = new_uuid_v4();
    const auto retention = server::kIdempotencyRetention;
    for (const auto& [k, at] : {std::pair{expired, ago(retention + std::chrono::hours(1))},
                                std::pair{kept, ago(retention - std::chrono::hours(1))}})
        server_->execute("INSERT INTO idempotency VALUES ('" + kiosk_ + "', '" + k + "', 'h', '{}', '" + at + "')");
    ASSERT_EQ(server_->query("SELECT count(*) FROM idempotency").at(0), "3");

    server_->stop();  // a new process cleans up at its first batch
    server_->start();
    auto more = responses(1, kiosk_);
    ASSERT_EQ(post_batch(more).status, 200);
    auto keys = [&](const std::string& k) {
        return server_->query("SELECT count(*) FROM idempotency WHERE key = '" + k + "'").at(0);
    };
    EXPECT_EQ(keys(expired), "0");
    EXPECT_EQ(keys(kept), "1");
    EXPECT_EQ(keys(key), "1");
    EXPECT_EQ(post_batch(batch, key).body, first.body);  // a replay within the retention
    if (GetParam() == Backend::Sqlite) {                 // a cheap range delete, not a scan of the whole table
        EXPECT_EQ(server_
                      ->query("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                              "tbl_name = 'idempotency' AND sql LIKE '%created_at%'")
                      .at(0),
                  "1");
    }
}

// An integral answer sent as a float (2.0) is the integer 2, and is stored as 2.
TEST_P(BatchTest, IntegralAnswerSentAsFloatIsStoredAsTheInteger) {
    auto r = valid_response(kiosk_);
    std::string question;
    for (const auto& q : builtin_data().survey.questions)
        if (q.scale.kind == Scale::Kind::Numeric) {
            question = q.id;
            for (auto& [id, value] : r.answers)
                if (id == q.id) value = Json(static_cast<double>(q.scale.min + 1));
            break;
        }
    ASSERT_FALSE(question.empty());
    std::string body = sync::encode_batch({r});
    ASSERT_NE(body.find(".0"), std::string::npos) << body;
    ASSERT_EQ(results(post_batch(body), {r}).at(0).status, Status::Created);
    std::string stored = server_->query("SELECT answers FROM responses WHERE id = '" + r.id + "'").at(0);
    EXPECT_EQ(stored.find(".0"), std::string::npos) << stored;
    EXPECT_TRUE(Json::parse(stored).at(question).is_number_integer()) << stored;
}

TEST_P(BatchTest, KeyReusedForADifferentBodyIs422) {
    std::string key = new_uuid_v4();
    auto a = responses(1, kiosk_), b = responses(1, kiosk_);
    ASSERT_EQ(post_batch(a, key).status, 200);
    Reply reused = post_batch(b, key);
    EXPECT_EQ(reused.status, 422) << reused.body;
    EXPECT_EQ(reused.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(server_->response_ids(kiosk_), sorted_ids(a));
}

// Two batches, each sent at the same moment from 8 threads (with their own keys, and with one
// shared key): the unique constraint and the key lock leave exactly one row per response. A
// kiosk may have only two requests in flight by default; this store lets it have all sixteen.
TEST_P(BatchTest, IdenticalBatchesRacingFromEightThreadsMakeOneRowEach) {
    start_server({"--kiosk-max-inflight", "16"});
    auto a = responses(50, kiosk_), b = responses(50, kiosk_);
    std::string shared_key = new_uuid_v4();
    std::vector<Reply> replies(16);
    std::latch go(16);
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
        threads.emplace_back([&, t] {
            go.arrive_and_wait();
            replies[t] = t < 8 ? post_batch(a) : post_batch(b, shared_key);
        });
    for (auto& t : threads) t.join();

    std::size_t created_a = 0;
    for (int t = 0; t < 16; ++t) {
        ASSERT_EQ(replies[t].status, 200) << replies[t].body << "\n" << server_->log();
        for (const auto& r : results(replies[t], t < 8 ? a : b)) {
            EXPECT_TRUE(r.delivered());
            if (t < 8) created_a += r.status == Status::Created;
        }
    }
    EXPECT_EQ(created_a, a.size());  // each of a's responses created by exactly one thread
    auto all = a;
    all.insert(all.end(), b.begin(), b.end());
    EXPECT_EQ(server_->response_ids(kiosk_), sorted_ids(all));
}

TEST_P(BatchTest, AcknowledgedRowsSurviveSigkill) {
    auto batch = responses(5, kiosk_);
    ASSERT_EQ(post_batch(batch).status, 200);
    server_->kill9();
    EXPECT_EQ(server_->response_ids(kiosk_), sorted_ids(batch));
    server_->start();
    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Duplicate);
}

TEST_P(BatchTest, RowKeepsTheParsedColumns) {
    auto r = valid_response(kiosk_, 42);
    r.district = std::nullopt;
    r.flags = {"synthetic"};
    ASSERT_EQ(results(post_batch(std::vector<Response>{r}), {r}).at(0).status, Status::Created);
    std::string where = " FROM responses WHERE id = '" + r.id + "'";
    EXPECT_EQ(server_->query("SELECT seq" + where).at(0), "42");
    EXPECT_EQ(server_->query("SELECT survey_id" + where).at(0), r.survey_id);
    EXPECT_EQ(server_->query("SELECT count(*)" + where + " AND district IS NULL").at(0), "1");
    EXPECT_NE(server_->query("SELECT flags" + where).at(0).find("synthetic"), std::string::npos);
}

// Full-size batches back to back all land. (Their speed is measured in bench/sync.sh, not here.)
TEST_P(BatchTest, FullSizeBatchesBackToBackAllStored) {
    for (int i = 0; i < 15; ++i) {
        auto batch = responses(200, kiosk_);
        ASSERT_EQ(post_batch(batch).status, 200);
    }
    EXPECT_EQ(server_->response_ids(kiosk_).size(), 15u * 200u);
}

TEST_P(BatchTest, MoreBatchesInFlightThanAllowedGet429WithRetryAfter) {
    start_server({"--max-inflight", "1"});
    auto batch = responses(1000, kiosk_);
    std::string body = sync::encode_batch(batch);
    bool saw_429 = false;
    for (int round = 0; round < 5 && !saw_429; ++round) {
        std::vector<Reply> replies(8);
        std::latch go(8);
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&, t] {
                go.arrive_and_wait();
                replies[t] = post_batch(body);
            });
        for (auto& t : threads) t.join();
        for (const auto& r : replies) {
            ASSERT_TRUE(r.status == 200 || r.status == 429) << r.status << " " << r.body;
            if (r.status == 429) {
                saw_429 = true;
                EXPECT_EQ(r.header("Retry-After"), "1");
            }
        }
    }
    EXPECT_TRUE(saw_429) << "8 concurrent 1000-response batches never exceeded --max-inflight 1";
    expect_healthy();
}

INSTANTIATE_TEST_SUITE_P(Backends, BatchTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
