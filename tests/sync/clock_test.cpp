// Kiosks whose clocks are years off (issue 14, part 5), end to end: the real `lkp-kiosk sync
// --once` runs under faketime (libfaketime) with its clock three years behind or two years ahead,
// and sends real answers the kiosk's database stamped with that clock to the real lkp-store
// (SQLite and PostgreSQL). Every answer arrives once, in seq order, none is rejected, each is
// flagged "clock", and the published figures count them on the day the store received them.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "kiosk_db/kiosk_database.h"
#include "record/utc.h"
#include "store_backend.h"
#include "store_per_backend.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

constexpr int kBehindDays = 3 * 365, kAheadDays = 2 * 365;

class WrongClocks : public StorePerBackend<WrongClocks> {
  protected:
    WrongClocks() : StorePerBackend("behind-kiosk") {}

    // A kiosk folder `name` with a config, a private token file and six real answers, ten minutes
    // apart, given up to five minutes before "now" by a clock `offset_days` off; livskvalitet
    // first_life, first_life + 1, ...
    void kiosk_with_answers(const std::string& name, int offset_days, int first_life) {
        write_file(dir_.file(name + ".conf"), "kiosk_id = " + name + "\n");
        if (name != kiosk_) {
            write_file(dir_.file(name + ".token"), store_->add_kiosk(name) + "\n");
            ::chmod(dir_.file(name + ".token").c_str(), 0600);
        }
        const auto kiosk_now = Clock::now() + std::chrono::days(offset_days);
        KioskDatabase db = KioskDatabase::open(dir_.file(name));
        for (int i = 0; i < 6; ++i) {
            Response r = valid_response(name);
            auto given = kiosk_now - 5min - (5 - i) * 10min;
            r.submitted_at = format_utc(given);
            r.started_at = format_utc(given - 50s);
            for (auto& [question, value] : r.answers)
                if (question == "livskvalitet") value = first_life + i;
            db.save(r);
        }
    }

    // `lkp-kiosk sync --once` with its clock `offset_days` off, two answers per batch.
    RunResult sync_with_clock(const std::string& name, int offset_days) {
        std::string token = name == kiosk_ ? dir_.file("token") : dir_.file(name + ".token");
        char offset[32];
        std::snprintf(offset, sizeof offset, "%+dd", offset_days);
        // Only the wall clock is off, as on a kiosk with a wrong date: curl's timeouts and the
        // backoff keep their monotonic clock.
        return run({"/usr/bin/faketime",
                    "-f",
                    offset,
                    LKP_KIOSK_BIN,
                    "sync",
                    "--once",
                    "--config",
                    dir_.file(name + ".conf"),
                    "--data-dir",
                    dir_.file(name),
                    "--store-url",
                    store_->url(),
                    "--token-file",
                    token,
                    "--batch-size",
                    "2",
                    "--backoff-cap",
                    "1",
                    "--timeout",
                    "5"},
                   {"FAKETIME_DONT_FAKE_MONOTONIC=1"});
    }

    // The city's livskvalitet_medel for everyone in `year`, "mean n", from /v1/indicators.
    std::string city_life(const std::string& year) {
        httplib::Client client(store_->url());
        auto res = client.Get("/v1/indicators?period=year&per_page=5000&from=" + year + "-01-01&to=" + year + "-12-31");
        if (!res || res->status != 200) return "no answer";
        const Json body = Json::parse(res->body);  // kept: a loop over a temporary's member reads freed memory
        for (const auto& v : body["values"])
            if (v["indicator"] == "livskvalitet_medel" && v["district"].is_null() && v["gender"] == "T" &&
                v["period"] == year) {
                if (!v["value"].is_number()) return "no value, n " + v["n"].dump();
                char text[64];
                std::snprintf(text, sizeof text, "%.2f %lld", v["value"].get<double>(),
                              static_cast<long long>(v["n"].get<double>()));
                return text;
            }
        return "none";
    }

    // The number after `name=` on a kiosk's line of `lkp-store kiosk list`.
    long long listed(const std::string& kiosk, const std::string& name) {
        auto out = store_->cli({"kiosk", "list"});
        auto line = out.out.find(kiosk + "  ");
        auto at = out.out.find("  " + name + "=", line);
        if (out.exit_code != 0 || line == std::string::npos || at == std::string::npos) {
            ADD_FAILURE() << "kiosk list: " << out.out << out.err;
            return 0;
        }
        return std::atoll(out.out.c_str() + at + name.size() + 3);
    }

    static std::string year_of(Clock::time_point t) { return format_utc(t).substr(0, 4); }
};

TEST_P(WrongClocks, KiosksYearsBehindAndAheadLoseAndReorderNothingAndCountOnTheDayOfReceipt) {
    RunResult faked =
        run({"/usr/bin/faketime", "-f", "-1095d", "/usr/bin/date", "-u", "+%Y"}, {"FAKETIME_DONT_FAKE_MONOTONIC=1"});
    ASSERT_EQ(faked.exit_code, 0) << "faketime (Debian package faketime) is needed: " << faked.err;
    ASSERT_EQ(faked.out.substr(0, 4), year_of(Clock::now() - std::chrono::days(kBehindDays)));

    const std::string behind = kiosk_, ahead = "ahead-kiosk";
    kiosk_with_answers(behind, -kBehindDays, 1);  // livskvalitet 1..6
    kiosk_with_answers(ahead, kAheadDays, 5);     // livskvalitet 5..10
    const std::string sent_all = "sent 6 new, 0 already in the store, 0 rejected; 0 waiting, 0 rejected in all";
    for (const auto& [name, days] : {std::pair{behind, -kBehindDays}, std::pair{ahead, kAheadDays}}) {
        RunResult sync = sync_with_clock(name, days);
        EXPECT_EQ(sync.exit_code, 0) << name << ": " << sync.out << sync.err;
        EXPECT_NE(sync.out.find(sent_all), std::string::npos) << name << ": " << sync.out << sync.err;
    }

    // Once each, in seq order: three batches of two, each received no earlier than the one before.
    for (const std::string& name : {behind, ahead}) {
        std::vector<std::string> rows = store_->query(
            "SELECT CAST(seq AS TEXT) || ' ' || CAST(received_at AS TEXT) FROM responses WHERE kiosk = '" + name +
            "' ORDER BY seq");
        ASSERT_EQ(rows.size(), 6u) << name;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            EXPECT_EQ(rows[i].substr(0, rows[i].find(' ')), std::to_string(i + 1)) << name;
            if (i > 0) {
                EXPECT_LE(rows[i - 1].substr(2), rows[i].substr(2)) << name << ": seq " << i + 1;
            }
        }
    }
    EXPECT_EQ(store_->query("SELECT count(*) FROM responses WHERE clock_flag").at(0), "12");

    // The figures: all twelve this year (by receipt), mean (21 + 45) / 12; none in the kiosks' years.
    const auto now = Clock::now();
    EXPECT_EQ(city_life(server::stockholm_day(format_utc(now)).substr(0, 4)), "5.50 12");
    for (int days : {-kBehindDays, kAheadDays}) {
        std::string year = year_of(now + std::chrono::days(days));
        const std::string figure = city_life(year);
        EXPECT_TRUE(figure == "none" || figure.rfind("no value, n 0", 0) == 0) << year << ": " << figure;
    }

    // `kiosk list` shows each kiosk's skew: received - sent, positive when the kiosk is behind.
    const long long day = 86400;
    EXPECT_LE(std::llabs(listed(behind, "batch_skew_s") - kBehindDays * day), 60);
    EXPECT_LE(std::llabs(listed(ahead, "batch_skew_s") + kAheadDays * day), 60);
    EXPECT_LE(std::llabs(listed(ahead, "skew_s") + kAheadDays * day), 60) << "the heartbeat's skew agrees";
}

INSTANTIATE_TEST_SUITE_P(Backends, WrongClocks, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
