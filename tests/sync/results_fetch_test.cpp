// The residents' figures fetched from the real lkp-store (SQLite and PostgreSQL) on loopback,
// filled with real answers by the real kiosk's sync: the kiosk's district and the city for
// everyone, a district with too few answers hidden, the snapshot cached whole and read back, and
// the old cache kept when the store cannot be reached.
#include "client/results_fetch.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>

#include "kiosk_db/kiosk_database.h"
#include "store_per_backend.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {
namespace {

class ResultsFetch : public StorePerBackend<ResultsFetch> {
  protected:
    ResultsFetch() : StorePerBackend("results-kiosk") {}

    // Answers in districts 041 and 001 (six each) and 022 (two: too few to publish), sent by the
    // kiosk's own sync. Returns the mean of livskvalitet over all of them.
    double fill_store() {
        const std::string data_dir = dir_.file("kiosk");
        double sum = 0;
        int n = 0;
        // Saved back to back, these stand for residents over many days: no burst rule here (it is
        // tested in burst_test.cpp), so nothing is flagged or held back.
        test::write_file(dir_.file("no-burst.conf"), "burst_window = 0\n");
        {
            KioskDatabase db = KioskDatabase::open(data_dir);
            db.set_burst_rule({3, std::chrono::seconds(0)});
            std::int64_t seq = 0;
            for (auto [district, count] : {std::pair{"041", 6}, std::pair{"001", 6}, std::pair{"022", 2}})
                for (int i = 0; i < count; ++i) {
                    Response r = valid_response(kiosk_, ++seq);
                    r.district = district;
                    int life = static_cast<int>((seq * 7) % 11);
                    for (auto& [question, value] : r.answers)
                        if (question == "livskvalitet") value = life;
                    sum += life;
                    ++n;
                    db.save(r);
                }
        }
        RunResult sync = run({LKP_KIOSK_BIN, "sync", "--once", "--config", dir_.file("no-burst.conf"), "--data-dir",
                              data_dir, "--store-url", store_->url(), "--token-file", dir_.file("token"),
                              "--backoff-cap", "1", "--timeout", "5"});
        EXPECT_EQ(sync.exit_code, 0) << sync.out << sync.err;
        return sum / n;
    }

    sync::ResultsFetchSettings settings(const std::string& district) {
        sync::ResultsFetchSettings s;
        s.store_url = store_->url();
        s.connect_timeout = std::chrono::seconds(2);
        s.timeout = std::chrono::seconds(10);
        s.survey_id = data_.survey.id;
        s.survey_version = data_.survey.version;
        s.district = district;
        s.cache_path = results_cache_path(dir_.path());
        return s;
    }

    KioskData data_ = builtin_data();
};

std::string this_year() {
    auto today = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    return std::to_string(static_cast<int>(today.year()));
}

TEST_P(ResultsFetch, TheKiosksDistrictAndTheCityAreFetchedAndCachedWithTooFewAnswersHidden) {
    double life_mean = fill_store();
    auto now = std::chrono::steady_clock::now();

    sync::ResultsFetcher fetcher(settings("022"));
    EXPECT_TRUE(fetcher.due(now)) << "the first fetch at once";
    sync::ResultsFetcher::Fetched got = fetcher.fetch(now);
    ASSERT_TRUE(got.snapshot) << got.error;
    EXPECT_EQ(got.error, "");
    const ResultsSnapshot& s = *got.snapshot;
    EXPECT_EQ(s.survey_id, data_.survey.id);
    EXPECT_EQ(s.survey_version, data_.survey.version);
    EXPECT_EQ(s.period_kind, "year");
    EXPECT_EQ(s.period, this_year());
    EXPECT_EQ(s.district, "022");
    ASSERT_EQ(s.rows.size(), data_.survey.indicators.size());
    for (const Indicator& ind : data_.survey.indicators) {
        const ResultsRow* row = s.find(ind.id);
        ASSERT_TRUE(row) << ind.id;
        EXPECT_FALSE(row->district.shown()) << ind.id << ": two answers in 022 are too few";
        EXPECT_EQ(row->district.status, "too_few") << ind.id;
        EXPECT_FALSE(row->district.n) << ind.id << ": nor is their count shown";
    }
    const ResultsRow* life = s.find("livskvalitet_medel");
    ASSERT_TRUE(life->city.shown()) << life->city.status;
    EXPECT_EQ(life->city.n, 14);
    EXPECT_NEAR(*life->city.value, life_mean, 0.005) << "the city counts every answer";

    // Cached whole, and read back as a restarted kiosk reads it.
    std::string problem;
    auto cached = load_results_cache(results_cache_path(dir_.path()), data_.survey.id, data_.survey.version, problem);
    ASSERT_TRUE(cached) << problem;
    EXPECT_EQ(*cached, s);
    EXPECT_EQ(fetcher.next_fetch(), now + std::chrono::hours(1)) << "at most once an hour";
    EXPECT_FALSE(fetcher.due(now + std::chrono::minutes(59)));

    // A district with six answers: its figures are published (or hidden only to protect 022's).
    sync::ResultsFetcher other(settings("041"));
    got = other.fetch(now);
    ASSERT_TRUE(got.snapshot) << got.error;
    int shown = 0;
    for (const ResultsRow& row : got.snapshot->rows) {
        if (row.district.shown()) {
            ++shown;
            EXPECT_EQ(row.district.n, 6) << row.indicator;
        } else {
            EXPECT_EQ(row.district.status, "protects_another_cell") << row.indicator;
        }
    }
    std::printf("041: %d of %zu district figures shown\n", shown, got.snapshot->rows.size());
}

TEST_P(ResultsFetch, WithoutTheStoreTheOldCacheStays) {
    fill_store();
    auto now = std::chrono::steady_clock::now();
    sync::ResultsFetcher fetcher(settings("041"));
    ASSERT_TRUE(fetcher.fetch(now).snapshot);
    std::string before = read_file(results_cache_path(dir_.path()));

    store_->stop();
    sync::ResultsFetcher::Fetched got = fetcher.fetch(now + std::chrono::hours(1));
    EXPECT_FALSE(got.snapshot);
    EXPECT_NE(got.error.find("results not fetched"), std::string::npos) << got.error;
    EXPECT_EQ(read_file(results_cache_path(dir_.path())), before);
    EXPECT_EQ(fetcher.next_fetch(), now + std::chrono::hours(1) + std::chrono::minutes(10))
        << "tried again sooner than an hour";
}

TEST_P(ResultsFetch, AStoreOfAnotherSurveyVersionLeavesTheCacheAlone) {
    fill_store();
    sync::ResultsFetchSettings s = settings("041");
    s.survey_version += 1;
    sync::ResultsFetcher fetcher(s);
    sync::ResultsFetcher::Fetched got = fetcher.fetch(std::chrono::steady_clock::now());
    EXPECT_FALSE(got.snapshot);
    EXPECT_NE(got.error.find("this kiosk asks " + data_.survey.id + " version " + std::to_string(s.survey_version)),
              std::string::npos)
        << got.error;
    EXPECT_FALSE(exists(results_cache_path(dir_.path())));
}

INSTANTIATE_TEST_SUITE_P(Backends, ResultsFetch, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
