#include "store_fixture.h"

#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

namespace lkp::test {

std::unique_ptr<PostgresCluster> StoreTest::cluster_;

std::string gzip(const std::string& data) {
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    return out;
}

void StoreTest::SetUp() {
    if (GetParam() == Backend::Postgres) {
        if (!PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
        if (!cluster_) cluster_ = std::make_unique<PostgresCluster>();
        static std::atomic<int> n{0};
        postgres_url_ = cluster_->create_database("t" + std::to_string(getpid()) + "_" + std::to_string(++n));
    }
    start_server({});
}

void StoreTest::start_server(std::vector<std::string> extra_args) {
    server_.reset();
    StoreOptions options{.postgres_url = postgres_url_, .extra_args = std::move(extra_args)};
    server_ = std::make_unique<StoreServer>(options);
    server_->start();
    if (token_.empty() || postgres_url_.empty()) token_ = server_->add_kiosk(kiosk_);
}

Reply StoreTest::post(const std::string& path, const std::string& body, const httplib::Headers& headers,
                      const std::string& content_type) {
    httplib::Client client(server_->url());
    client.set_read_timeout(std::chrono::seconds(30));
    auto res = client.Post(path, headers, body, content_type);
    if (!res) return {0, "no answer: " + httplib::to_string(res.error()), {}};
    return {res->status, res->body, res->headers};
}

Reply StoreTest::post_batch(const std::string& body, std::string key) {
    if (key.empty()) key = new_uuid_v4();
    return post(sync::kBatchPath, body, {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", key}});
}

Reply StoreTest::post_batch(const std::vector<Response>& responses, std::string key) {
    return post_batch(sync::encode_batch(responses), std::move(key));
}

Reply StoreTest::post_batch_sent_at(const std::vector<Response>& responses, const std::string& sent_at,
                                    std::string key) {
    if (key.empty()) key = new_uuid_v4();
    return post(sync::kBatchPath, sync::encode_batch(responses),
                {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", key}, {sync::kSentAtHeader, sent_at}});
}

Reply StoreTest::get(const std::string& path) {
    httplib::Client client(server_->url());
    // As long as a post may take: httplib's 5 s default cut the figures off under ThreadSanitizer.
    client.set_read_timeout(std::chrono::seconds(30));
    auto res = client.Get(path);
    if (!res) return {0, "no answer: " + httplib::to_string(res.error()), {}};
    return {res->status, res->body, res->headers};
}

std::vector<sync::ItemResult> StoreTest::results(const Reply& reply, const std::vector<Response>& sent) {
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<std::string> ids;
    for (const auto& r : sent) ids.push_back(r.id);
    return sync::parse_results(reply.body, ids);
}

void StoreTest::expect_healthy() {
    Reply health = get(sync::kHealthPath);
    EXPECT_EQ(health.status, 200) << server_->log();
}

}  // namespace lkp::test
