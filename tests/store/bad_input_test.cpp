// Bad input: an invalid item is rejected by name and field while its valid neighbours are stored;
// a body that is no batch at all gets a 4xx problem and writes nothing. The server stays up.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>

#include "record/response_codec.h"
#include "store_fixture.h"

namespace lkp::test {
namespace {

class BadInputTest : public StoreTest {
  protected:
    void TearDown() override {
        if (server_) expect_healthy();
    }
    void expect_problem(const Reply& r, int status) {
        EXPECT_EQ(r.status, status) << r.body << server_->log();
        EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << r.body;
        EXPECT_TRUE(server_->response_ids(kiosk_).empty());
    }
};

struct ItemCase {
    const char* name;
    std::function<void(Json&)> spoil;
    std::string field;
};

std::string first_question() { return builtin_data().survey.questions.at(0).id; }

const std::vector<ItemCase>& item_cases() {
    static const std::vector<ItemCase> cases = {
        {"seq as a string", [](Json& j) { j["seq"] = "1"; }, "seq"},
        {"answers as an array", [](Json& j) { j["answers"] = Json::array(); }, "answers"},
        {"unknown survey", [](Json& j) { j["survey_id"] = "no-such-survey"; }, "survey_id"},
        {"unknown survey version", [](Json& j) { j["survey_version"] = 999; }, "survey_id"},
        {"value outside the scale", [](Json& j) { j["answers"][first_question()] = 12345; },
         "answers." + first_question()},
        {"text on a scale", [](Json& j) { j["answers"][first_question()] = "a lot"; }, "answers." + first_question()},
        // Years in the past or the future are a wrong kiosk clock: kept and flagged (clock_test.cpp).
        {"not a UTC time", [](Json& j) { j["submitted_at"] = "yesterday"; }, "submitted_at"},
        {"unknown field", [](Json& j) { j["extra"] = 1; }, "extra"},
        {"another kiosk's id", [](Json& j) { j["kiosk_id"] = "kiosk-2"; }, "kiosk_id"},
        {"NUL in a flag", [](Json& j) { j["flags"] = {std::string("a\0b", 3)}; }, "flags"},
        {"NUL in location", [](Json& j) { j["location"] = std::string("022\0x", 5); }, "location"},
        {"escape codes in kiosk_id", [](Json& j) { j["kiosk_id"] = "kiosk-1\x1b[2J"; }, "kiosk_id"},
        {"location not a district", [](Json& j) { j["location"] = "atlantis"; }, "location"},
    };
    return cases;
}

TEST_P(BadInputTest, InvalidItemIsRejectedByFieldAndNeighboursAreStored) {
    for (const auto& c : item_cases()) {
        SCOPED_TRACE(c.name);
        Response bad = valid_response(kiosk_), good = valid_response(kiosk_);
        Json spoiled = record::to_wire(bad);
        c.spoil(spoiled);
        std::string body = Json{{"responses", {spoiled, Json(record::to_wire(good))}}}.dump();
        auto r = results(post_batch(body), {bad, good});
        ASSERT_EQ(r.size(), 2u);
        EXPECT_EQ(r[0].status, sync::ItemResult::Status::Rejected);
        EXPECT_EQ(r[0].code, "invalid");
        EXPECT_EQ(r[0].field, c.field) << r[0].reason;
        EXPECT_EQ(r[1].status, sync::ItemResult::Status::Created);
        auto ids = server_->response_ids(kiosk_);
        EXPECT_EQ(std::count(ids.begin(), ids.end(), bad.id), 0);
        EXPECT_EQ(std::count(ids.begin(), ids.end(), good.id), 1);
    }
}

// PostgreSQL answered a NUL in a flag with 500 on every resend (the kiosk's queue stuck behind
// it) and cut a NUL in location off silently; SQLite stored both. Now both backends reject the
// item by its field, store its neighbour, and answer a resend the same way.
TEST_P(BadInputTest, NulInAFieldIsRejectedTheSameOnEveryResend) {
    for (const char* field : {"flags", "location"}) {
        SCOPED_TRACE(field);
        Response bad = valid_response(kiosk_), good = valid_response(kiosk_);
        Json spoiled = record::to_wire(bad);
        if (std::string(field) == "flags")
            spoiled["flags"] = {"synthetic", std::string("a\0b", 3)};
        else
            spoiled["location"] = std::string("022\0x", 5);
        std::string body = Json{{"responses", {spoiled, Json(record::to_wire(good))}}}.dump();
        std::string key = new_uuid_v4();
        Reply first = post_batch(body, key);
        auto r = results(first, {bad, good});
        ASSERT_EQ(r.size(), 2u);
        EXPECT_EQ(r[0].status, sync::ItemResult::Status::Rejected);
        EXPECT_EQ(r[0].code, "invalid");
        EXPECT_EQ(r[0].field, field) << r[0].reason;
        EXPECT_EQ(r[1].status, sync::ItemResult::Status::Created);
        EXPECT_EQ(post_batch(body, key).body, first.body);    // the kiosk's retry: the same answer
        auto again = results(post_batch(body), {bad, good});  // sent again as a new batch
        ASSERT_EQ(again.size(), 2u);
        EXPECT_EQ(again[0].field, field);
        EXPECT_EQ(again[1].status, sync::ItemResult::Status::Duplicate);
        EXPECT_EQ(server_->response_ids(kiosk_).size(), std::string(field) == "flags" ? 1u : 2u);
    }
}

// One answer nested 100,000 arrays deep (520 bytes gzipped) crashed the store.
TEST_P(BadInputTest, DeeplyNestedAnswerIs400AndTheStoreStaysUp) {
    std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    Json item = record::to_wire(valid_response(kiosk_));
    item["answers"][first_question()] = "PLACEHOLDER";
    std::string body = Json{{"responses", {item}}}.dump();
    body.replace(body.find("\"PLACEHOLDER\""), 13, deep);
    Reply r =
        post(sync::kBatchPath, gzip(body),
             {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", new_uuid_v4()}, {"Content-Encoding", "gzip"}});
    expect_problem(r, 400);
    EXPECT_LT(r.body.size(), 1000u) << r.body;
}

TEST_P(BadInputTest, MalformedJsonIs400) { expect_problem(post_batch(std::string("{\"responses\": [")), 400); }

TEST_P(BadInputTest, InvalidUtf8Is400) {
    Json item = record::to_wire(valid_response(kiosk_));
    item["location"] = "PLACEHOLDER";
    std::string body = Json{{"responses", {item}}}.dump();
    body.replace(body.find("PLACEHOLDER"), 11, "\xC3\x28\xFF");
    expect_problem(post_batch(body), 400);
}

TEST_P(BadInputTest, NotABatchIs400) {
    expect_problem(post_batch(std::string("[1, 2, 3]")), 400);
    expect_problem(post_batch(std::string("{\"responses\": {}}")), 400);
}

// Refused from its Content-Length, before a byte of the body is read or sent.
TEST_P(BadInputTest, BodyOverTheLimitIs413) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(server_->port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    std::string head =
        "POST /v1/batches HTTP/1.1\r\nHost: store\r\nAuthorization: Bearer " + token_ +
        "\r\nIdempotency-Key: " + new_uuid_v4() +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(sync::kMaxBodyBytes + 1) + "\r\n\r\n";
    ASSERT_EQ(send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
    timeval limit{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
    close(fd);
    EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0u) << answer;
    EXPECT_NE(answer.find("Content-Type: application/problem+json"), std::string::npos) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;  // and it was closed: recv saw EOF
}

TEST_P(BadInputTest, TenThousandItemBatchIs413) {
    std::vector<Response> many;
    for (int i = 0; i < 10'000; ++i) many.push_back(valid_response(kiosk_, i + 1));
    std::string body = sync::encode_batch(many);
    ASSERT_LT(body.size(), sync::kMaxBodyBytes);  // refused for its count, not its size
    expect_problem(post_batch(body), 413);
}

// 256 MiB of zeros gzip to about 250 KiB: the store must stop inflating at the 8 MiB limit.
TEST_P(BadInputTest, GzipBombIs413) {
    std::string bomb = gzip(std::string(256u << 20, '\0'));
    ASSERT_LT(bomb.size(), 1u << 20);
    Reply r =
        post(sync::kBatchPath, bomb,
             {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", new_uuid_v4()}, {"Content-Encoding", "gzip"}});
    expect_problem(r, 413);
}

TEST_P(BadInputTest, UnknownContentEncodingIs415) {
    Reply r =
        post(sync::kBatchPath, "{}",
             {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", new_uuid_v4()}, {"Content-Encoding", "zstd"}});
    expect_problem(r, 415);
}

INSTANTIATE_TEST_SUITE_P(Backends, BadInputTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
