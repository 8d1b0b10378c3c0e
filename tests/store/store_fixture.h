#pragma once
// One real lkp-store per test, on SQLite or on a fresh database of a throwaway PostgreSQL.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/batch.h"
#include "record/response.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {

enum class Backend { Sqlite, Postgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

struct Reply {
    int status = 0;  // 0: no answer at all
    std::string body;
    httplib::Headers headers;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? "" : it->second;
    }
};

// gzip of `data` (what a kiosk sends with Content-Encoding: gzip).
std::string gzip(const std::string& data);

class StoreTest : public ::testing::TestWithParam<Backend> {
  public:
    static void TearDownTestSuite() { cluster_.reset(); }

  protected:
    void SetUp() override;
    // Replaces the server with one started with these extra `serve` arguments (SetUp starts one
    // with none). SQLite: a new database; PostgreSQL: the same one, so the kiosk's token stays.
    void start_server(std::vector<std::string> extra_args);

    Reply post(const std::string& path, const std::string& body, const httplib::Headers& headers,
               const std::string& content_type = "application/json");
    // POST /v1/batches with the kiosk's token and a new Idempotency-Key unless `key` is given.
    Reply post_batch(const std::string& body, std::string key = "");
    Reply post_batch(const std::vector<Response>& responses, std::string key = "");
    // The same as a kiosk of issue 14 sends it: with its clock in Kiosk-Sent-At.
    Reply post_batch_sent_at(const std::vector<Response>& responses, const std::string& sent_at, std::string key = "");
    Reply get(const std::string& path);
    std::vector<sync::ItemResult> results(const Reply& reply, const std::vector<Response>& sent);
    void expect_healthy();

    static std::unique_ptr<PostgresCluster> cluster_;  // one per suite, made by the first PG test
    std::unique_ptr<StoreServer> server_;
    std::string postgres_url_;
    std::string kiosk_ = "kiosk-1";
    std::string token_;
};

}  // namespace lkp::test
