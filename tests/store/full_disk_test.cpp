// Issue 14: the store's disk fills up. A batch it cannot store gets 503 with Retry-After (the
// kiosk keeps it and sends it again), nothing it acknowledged before is lost, the store keeps
// answering, and the same batch is stored once there is room. SQLite in a tmpfs of 8 MiB.
// (PostgreSQL's own disk is PostgreSQL's to guard; a failed statement there is 503 the same way.)
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "protocol/batch.h"
#include "record/uuid.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp {
namespace {

struct Answer {
    int status = 0;
    std::string retry_after, body;
};

Answer send(const test::StoreServer& store, const std::string& token, const std::vector<Response>& batch,
            const std::string& key) {
    httplib::Client client(store.url());
    client.set_read_timeout(std::chrono::seconds(30));
    auto res = client.Post(sync::kBatchPath, {{"Authorization", "Bearer " + token}, {"Idempotency-Key", key}},
                           sync::encode_batch(batch), "application/json");
    if (!res) return {};
    return {res->status, res->get_header_value("Retry-After"), res->body};
}

std::vector<Response> answers(int n, std::int64_t first_seq) {
    std::vector<Response> out;
    for (int i = 0; i < n; ++i) out.push_back(test::valid_response("k1", first_seq + i));
    return out;
}

TEST(StoreFullDisk, ABatchItCannotStoreIs503WithRetryAfterAndNothingAcknowledgedIsLost) {
    test::StoreServer store;
    test::SmallDisk disk(store.dir(), "8m");  // over the server's folder before its database exists
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
    store.start();
    std::string token = store.add_kiosk("k1");

    std::vector<Response> first = answers(50, 1);
    ASSERT_EQ(send(store, token, first, new_uuid_v4()).status, 200);
    disk.fill();

    std::vector<Response> second = answers(300, 51);
    std::string key = new_uuid_v4();
    Answer full = send(store, token, second, key);
    EXPECT_EQ(full.status, 503) << full.body;
    EXPECT_FALSE(full.retry_after.empty()) << "the kiosk is told when to try again";
    EXPECT_EQ(full.body.find("store.db"), std::string::npos) << "no path to a stranger: " << full.body;
    httplib::Client probe(store.url());
    auto health = probe.Get("/v1/health");
    ASSERT_TRUE(health) << "the store still answers";
    EXPECT_EQ(store.response_ids("k1").size(), first.size()) << "what was acknowledged is all there";

    disk.free_space();
    Answer again = send(store, token, second, key);  // the kiosk's retry: same key, same bytes
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["created"], second.size()) << "stored now, not before";
    EXPECT_EQ(store.response_ids("k1").size(), first.size() + second.size());
    EXPECT_EQ(send(store, token, first, new_uuid_v4()).status, 200) << "and a resend of the first is a duplicate";
    EXPECT_EQ(store.response_ids("k1").size(), first.size() + second.size());
}

}  // namespace
}  // namespace lkp
