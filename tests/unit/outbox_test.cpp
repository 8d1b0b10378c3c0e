// The outbox in the kiosk's own SQLite file, through the database's typed operations: the batch in flight survives a
// restart byte for byte, only delivered answers leave, rejected ones stay and are not sent again.
#include <gtest/gtest.h>
#include <zlib.h>

#include "client/gzip.h"
#include "kiosk_db/kiosk_database.h"
#include "record/uuid.h"
#include "support/test_support.h"

namespace lkp::sync {
namespace {

Response sample(int n) {
    Response r = test::sample_response();
    r.answers[0].second = n % 6 + 1;  // trygghet
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

std::int64_t count(KioskDatabase& store, const std::string& sql) {
    Database raw = test::open_raw(store.path());
    auto s = raw.prepare(sql);
    s.step();
    return s.int_col(0);
}

// What the sync engine does: the saved batch in flight, else a new one of the oldest waiting
// answers, saved before it is sent. The body is opaque to the database; any bytes will do.
std::optional<PendingBatch> claim(KioskDatabase& db, std::size_t max_items) {
    if (auto saved = db.saved_batch()) return saved;
    auto responses = db.unsent(max_items);
    if (responses.empty()) return std::nullopt;
    PendingBatch b{new_uuid_v4(), std::string("\x1f\x8b\0 bytes ", 10) + new_uuid_v4(), {}, {}, 0};
    for (const auto& r : responses) {
        b.seqs.push_back(r.seq);
        b.ids.push_back(r.id);
    }
    db.save_batch(b);
    return b;
}

ItemVerdict delivered() { return {true, "", "", ""}; }

class OutboxTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = KioskDatabase::open(dir_.path());
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
        auto store = KioskDatabase::open(dir_.path(), KioskDatabase::Role::Sync);
        first = *claim(store, 3);
    }
    EXPECT_EQ(first.ids, std::vector<std::string>(ids_.begin(), ids_.begin() + 3));  // oldest first
    auto store = KioskDatabase::open(dir_.path(), KioskDatabase::Role::Sync);        // as after a power cut
    store.count_attempt();
    PendingBatch again = *claim(store, 200);  // a larger size does not change the saved batch
    EXPECT_EQ(again.key, first.key);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.body.size(), 10 + 36u) << "bytes after a NUL are kept";
    EXPECT_EQ(again.ids, first.ids);
    EXPECT_EQ(again.seqs, first.seqs);
    EXPECT_EQ(again.attempts, 1);
}

TEST_F(OutboxTest, UnsentAnswersComeBackWhole) {
    auto store = KioskDatabase::open(dir_.path());
    auto unsent = store.unsent(200);
    ASSERT_EQ(unsent.size(), 5u);
    EXPECT_EQ(unsent[1].id, ids_[1]);
    EXPECT_EQ(unsent[1].district, "022");
    EXPECT_EQ(unsent[1].location, std::nullopt) << "no location configured stays absent";
    ASSERT_EQ(unsent[1].answers.size(), 3u);
    EXPECT_EQ(unsent[1].answers[0].first, "trygghet") << "survey order is kept";
    EXPECT_EQ(unsent[1].answers[1].second, nullptr);
    EXPECT_EQ(store.unsent(200, unsent[2].seq).size(), 2u) << "only those after a seq, for the prefetch";
}

TEST_F(OutboxTest, OnlyDeliveredAnswersLeaveAndRejectedOnesStayMarked) {
    auto store = KioskDatabase::open(dir_.path());
    PendingBatch b = *claim(store, 3);
    store.finish_batch(b, {delivered(), delivered(), {false, "invalid", "answers.trygghet", "7 is not on the scale"}});
    OutboxStatus st = store.outbox_status();
    EXPECT_EQ(st.unsent, 2);
    EXPECT_EQ(st.rejected, 1);
    EXPECT_FALSE(st.last_success_at.empty());
    EXPECT_EQ(count(store, "SELECT count(*) FROM outbox WHERE rejected_field = 'answers.trygghet'"), 1);
    EXPECT_EQ(count(store, "SELECT count(*) FROM responses"), 5);  // nothing is ever deleted from responses
    ASSERT_EQ(store.rejections().size(), 1u);
    EXPECT_EQ(store.rejections()[0].reason, "7 is not on the scale");

    // The next batch holds the two never sent, not the rejected one.
    PendingBatch next = *claim(store, 200);
    EXPECT_NE(next.key, b.key);
    EXPECT_EQ(next.ids, std::vector<std::string>(ids_.begin() + 3, ids_.end()));
    store.finish_batch(next, {delivered(), delivered()});
    EXPECT_FALSE(claim(store, 200));

    // Staff fixed the cause at the store: the rejected answer goes back in line.
    EXPECT_EQ(store.requeue_rejected(), 1);
    EXPECT_EQ(claim(store, 200)->ids, std::vector<std::string>{ids_[2]});
}

TEST_F(OutboxTest, ARefusedBatchMarksEveryAnswerAndIsNotResent) {
    auto store = KioskDatabase::open(dir_.path());
    PendingBatch b = *claim(store, 2);
    store.reject_batch(b, "refused", "HTTP 400: bad");
    OutboxStatus st = store.outbox_status();
    EXPECT_EQ(st.rejected, 2);
    EXPECT_EQ(st.unsent, 3);
    EXPECT_TRUE(st.last_round_failed());
    EXPECT_EQ(st.last_error, "HTTP 400: bad");
    EXPECT_EQ(claim(store, 200)->ids.size(), 3u);
}

TEST_F(OutboxTest, TooLargeDropsTheBatchSoASmallerOneIsBuilt) {
    auto store = KioskDatabase::open(dir_.path());
    PendingBatch b = *claim(store, 4);
    store.drop_batch();
    PendingBatch smaller = *claim(store, 2);
    EXPECT_NE(smaller.key, b.key);
    EXPECT_EQ(smaller.ids, std::vector<std::string>(ids_.begin(), ids_.begin() + 2));
    EXPECT_EQ(store.outbox_status().unsent, 5);
}

TEST_F(OutboxTest, AnswersAreNeverSavedOnTheSyncsConnection) {
    auto sync = KioskDatabase::open(dir_.path(), KioskDatabase::Role::Sync);
    Response r = sample(9);
    EXPECT_THROW(sync.save(r), std::logic_error) << "its commits are not flushed to disk";
}

TEST(Outbox, AVersion2DatabaseKeepsItsOutboxThroughTheUpgrade) {
    test::TempDir dir;
    std::string id;
    {
        Database db(dir.file(kDatabaseFile), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA application_id = " + std::to_string(0x4C4B5031));
        migrate_kiosk_database(db, 0, 2);
    }
    {  // a response and its outbox row as the version-2 program wrote them
        Database db(dir.file(kDatabaseFile), SQLITE_OPEN_READWRITE);
        db.exec(
            "INSERT INTO responses(id, kiosk_id, survey_id, survey_version, language, answers, started_at, "
            "submitted_at) VALUES ('11111111-1111-4111-8111-111111111111', 'k1', 'helsingborg-lkp', 1, 'sv', "
            "'{\"trygghet\":1}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:30.000Z')");
        db.exec("INSERT INTO outbox(seq, queued_at) VALUES (1, '2026-01-01T00:00:30.000Z')");
    }
    auto store = KioskDatabase::open(dir.path());
    EXPECT_EQ(test::open_raw(store.path()).pragma_int("user_version"), kKioskSchemaVersion);
    EXPECT_EQ(store.outbox_status().unsent, 1);
    EXPECT_EQ(claim(store, 200)->ids, std::vector<std::string>{"11111111-1111-4111-8111-111111111111"});
}

TEST(Outbox, GzipRoundTrips) {
    std::string text(100000, 'a');
    for (std::size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
    std::string z = gzip(text);
    EXPECT_LT(z.size(), text.size() / 5);
    EXPECT_TRUE(gunzip(z) == text);  // not EXPECT_EQ: a mismatch would print 100 kB
}

}  // namespace
}  // namespace lkp::sync
