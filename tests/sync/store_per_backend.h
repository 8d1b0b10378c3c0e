#pragma once
// For the sync tests that need the real lkp-store on SQLite and on PostgreSQL: a fresh store on
// loopback for every test, started, with a token for `kiosk_` in DIR/token (0600, as the kiosk
// wants it). PostgreSQL's cluster starts once per fixture and each test gets a database of its
// own; without Debian's postgresql those tests skip.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <memory>
#include <string>

#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {

enum class Backend { Sqlite, Postgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

// `Fixture` is the test's own class: each gets its own cluster and database names.
template <class Fixture>
class StorePerBackend : public ::testing::TestWithParam<Backend> {
  protected:
    explicit StorePerBackend(std::string kiosk) : kiosk_(std::move(kiosk)) {}
    static void TearDownTestSuite() { postgres_.reset(); }

    void SetUp() override {
        if (GetParam() == Backend::Postgres && !PostgresCluster::available())
            GTEST_SKIP() << "Debian's postgresql is not installed";
        StoreOptions options;
        if (GetParam() == Backend::Postgres) {
            if (!postgres_) postgres_ = std::make_unique<PostgresCluster>();
            options.postgres_url = postgres_->create_database("t" + std::to_string(++databases_));
        }
        store_ = std::make_unique<StoreServer>(options);
        store_->start();
        write_file(dir_.file("token"), store_->add_kiosk(kiosk_) + "\n");
        ::chmod(dir_.file("token").c_str(), 0600);
    }

    static inline std::unique_ptr<PostgresCluster> postgres_;
    static inline int databases_ = 0;
    TempDir dir_;
    std::string kiosk_;
    std::unique_ptr<StoreServer> store_;
};

}  // namespace lkp::test
