// The sync's outbox in the kiosk's own SQLite file: the batch in flight survives a restart byte
// for byte, only delivered answers leave, rejected ones stay and are not sent again.
#include <gtest/gtest.h>
#include <zlib.h>

#include "client/outbox.h"
#include "support/test_support.h"

namespace lkp::sync {
namespace {

Response sample(int n) {
    Response r;
    r.id = new_uuid_v4();
    r.kiosk_id = "k1";
    r.survey_id = "helsingborg-lkp";
    r.survey_version = 1;
    r.language = "sv";
    r.district = "022";
    r.answers = {{"trygghet", n % 6 + 1}, {"delaktighet", nullptr}};
    r.started_at = "2026-11-22T10:00:00.000Z";
    r.submitted_at = "2026-11-22T10:00:40.000Z";
    return r;
}

std::string gunzip(const std::string& data) {
    z_stream zs{};
    EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    int rc = Z_OK;
    while (rc == Z_OK) {
        char chunk[16384];
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(chunk, sizeof chunk - zs.avail_out);
    }
    EXPECT_EQ(rc, Z_STREAM_END);
    inflateEnd(&zs);
    return out;
}

std::int64_t count(ResponseStore& store, const std::string& sql) {
    auto s = store.database().prepare(sql);
    s.step();
    return s.int_col(0);
}

class OutboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto store = ResponseStore::open(dir_.path());
        for (int i = 0; i < 5; ++i) {
            Response r = sample(i);
            store.save(r);
            ids_.push_back(r.id);
        }
    }
    test::TempDir dir_;
    std::vector<std::string> ids_;
};

TEST_F(OutboxTest, BatchInFlightIsTheSameBytesAfterARestart) {
    PendingBatch first;
    {
        auto store = ResponseStore::open(dir_.path());
        first = *Outbox(store).pending(3);
    }
    EXPECT_EQ(first.ids, std::vector<std::string>(ids_.begin(), ids_.begin() + 3));   // oldest first
    auto store = ResponseStore::open(dir_.path());   // as after a power cut
    Outbox outbox(store);
    outbox.count_attempt();
    PendingBatch again = *outbox.pending(200);   // a larger size does not change the saved batch
    EXPECT_EQ(again.key, first.key);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.ids, first.ids);
    EXPECT_EQ(again.attempts, 1);
    Json body = Json::parse(gunzip(again.body));
    ASSERT_EQ(body["responses"].size(), 3u);
    EXPECT_EQ(body["responses"][0]["id"], ids_[0]);
}

TEST_F(OutboxTest, OnlyDeliveredAnswersLeaveAndRejectedOnesStayMarked) {
    auto store = ResponseStore::open(dir_.path());
    Outbox outbox(store);
    PendingBatch b = *outbox.pending(3);
    using S = ItemResult::Status;
    Delivery d = outbox.apply(b, {{b.ids[0], S::Created}, {b.ids[1], S::Duplicate},
                                  {b.ids[2], S::Rejected, "invalid", "answers.trygghet", "7 is not on the scale"}});
    EXPECT_EQ(d.created, 1);
    EXPECT_EQ(d.duplicate, 1);
    EXPECT_EQ(d.rejected, 1);
    OutboxStatus st = outbox.status();
    EXPECT_EQ(st.unsent, 2);
    EXPECT_EQ(st.rejected, 1);
    EXPECT_FALSE(st.last_success_at.empty());
    EXPECT_EQ(count(store, "SELECT count(*) FROM outbox WHERE rejected_field = 'answers.trygghet'"), 1);
    EXPECT_EQ(count(store, "SELECT count(*) FROM responses"), 5);   // nothing is ever deleted from responses

    // The next batch holds the two never sent, not the rejected one.
    PendingBatch next = *outbox.pending(200);
    EXPECT_NE(next.key, b.key);
    EXPECT_EQ(next.ids, std::vector<std::string>(ids_.begin() + 3, ids_.end()));
    outbox.apply(next, {{next.ids[0], S::Created}, {next.ids[1], S::Created}});
    EXPECT_FALSE(outbox.pending(200));

    // Staff fixed the cause at the store: the rejected answer goes back in line.
    EXPECT_EQ(outbox.requeue_rejected(), 1);
    EXPECT_EQ(outbox.pending(200)->ids, std::vector<std::string>{ids_[2]});
}

TEST_F(OutboxTest, ARefusedBatchMarksEveryAnswerAndIsNotResent) {
    auto store = ResponseStore::open(dir_.path());
    Outbox outbox(store);
    PendingBatch b = *outbox.pending(2);
    outbox.reject_all(b, "refused", "HTTP 400: bad");
    OutboxStatus st = outbox.status();
    EXPECT_EQ(st.rejected, 2);
    EXPECT_EQ(st.unsent, 3);
    EXPECT_TRUE(st.last_round_failed());
    EXPECT_EQ(st.last_error, "HTTP 400: bad");
    EXPECT_EQ(outbox.pending(200)->ids.size(), 3u);
}

TEST_F(OutboxTest, TooLargeDropsTheBatchSoASmallerOneIsBuilt) {
    auto store = ResponseStore::open(dir_.path());
    Outbox outbox(store);
    PendingBatch b = *outbox.pending(4);
    outbox.drop_pending();
    PendingBatch smaller = *outbox.pending(2);
    EXPECT_NE(smaller.key, b.key);
    EXPECT_EQ(smaller.ids, std::vector<std::string>(ids_.begin(), ids_.begin() + 2));
    EXPECT_EQ(outbox.status().unsent, 5);
}

TEST(Outbox, AVersion2DatabaseKeepsItsOutboxThroughTheUpgrade) {
    test::TempDir dir;
    std::string id;
    {
        Database db(dir.file(kDatabaseFile), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA application_id = " + std::to_string(0x4C4B5031));
        migrate(db, 0, 2);
    }
    {   // a response and its outbox row as the version-2 program wrote them
        Database db(dir.file(kDatabaseFile), SQLITE_OPEN_READWRITE);
        db.exec("INSERT INTO responses(id, kiosk_id, survey_id, survey_version, language, answers, started_at, "
                "submitted_at) VALUES ('11111111-1111-4111-8111-111111111111', 'k1', 'helsingborg-lkp', 1, 'sv', "
                "'{\"trygghet\":1}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:30.000Z')");
        db.exec("INSERT INTO outbox(seq, queued_at) VALUES (1, '2026-01-01T00:00:30.000Z')");
    }
    auto store = ResponseStore::open(dir.path());
    EXPECT_EQ(store.database().pragma_int("user_version"), 3);
    Outbox outbox(store);
    EXPECT_EQ(outbox.status().unsent, 1);
    EXPECT_EQ(outbox.pending(200)->ids, std::vector<std::string>{"11111111-1111-4111-8111-111111111111"});
}

TEST(Outbox, GzipRoundTrips) {
    std::string text(100000, 'a');
    for (std::size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
    std::string z = gzip(text);
    EXPECT_LT(z.size(), text.size() / 5);
    EXPECT_TRUE(gunzip(z) == text);   // not EXPECT_EQ: a mismatch would print 100 kB
}

}  // namespace
}  // namespace lkp::sync
