// A burst of repeated answers (issue 11) goes from the real kiosk's database through
// `lkp-kiosk sync` to the real lkp-store (SQLite and PostgreSQL) flagged "burst", every answer of
// it: the indicators leave it out unless include_flagged is asked for, the response export counts
// it with its flag. And the running sync holds a fresh answer until its burst window has closed,
// then sends it by itself.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "kiosk_db/kiosk_database.h"
#include "record/utc.h"
#include "store_per_backend.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {
namespace {

using namespace std::chrono_literals;

class KioskBurst : public StorePerBackend<KioskBurst> {
  protected:
    KioskBurst() : StorePerBackend("burst-kiosk") {}

    // A real answer given at `when`, livskvalitet `life`.
    Response answer(const std::string& when, int life) {
        Response r = valid_response(kiosk_);
        for (auto& [question, value] : r.answers)
            if (question == "livskvalitet") value = life;
        r.started_at = format_utc(*parse_utc(when) - 50s);
        r.submitted_at = when;
        return r;
    }
    // The city's yearly livskvalitet_medel for everyone (T), "mean n" (the mean to 2 decimals),
    // as the public API gives it.
    std::string city_life(int year) {
        httplib::Client client(store_->url());
        auto res = client.Get("/v1/indicators?period=year");
        if (!res || res->status != 200) return "no answer";
        const Json body = Json::parse(res->body);
        for (const auto& v : body["values"])
            if (v["indicator"] == "livskvalitet_medel" && v["district"].is_null() && v["gender"] == "T" &&
                v["period"] == std::to_string(year))
                return figure(v["value"], v["n"]);
        return "none";
    }
    // The same figure from `lkp-store export indicators`.
    std::string exported_city_life(int year, bool include_flagged) {
        std::vector<std::string> args = {"export", "indicators", "--period", "year", "--out", dir_.file("ind.json")};
        if (include_flagged) args.push_back("--include-flagged");
        auto out = store_->cli(args);
        if (out.exit_code != 0) return "export failed: " + out.err;
        const Json doc = Json::parse(read_file(dir_.file("ind.json")));
        for (const auto& r : doc["Indikatorer"])
            if (r["serie"] == "kiosk" && r["indikator"] == "livskvalitet_medel" && r["område_kod"] == "1283" &&
                r["kön"] == "T" && r["period"] == std::to_string(year))
                return figure(r["värde"], r["n"]);
        return "none";
    }
    static std::string figure(const Json& value, const Json& n) {
        if (!value.is_number() || !n.is_number()) return "suppressed: " + value.dump() + " " + n.dump();
        char text[64];
        std::snprintf(text, sizeof text, "%.2f %lld", value.get<double>(), static_cast<long long>(n.get<double>()));
        return text;
    }
    RunResult sync_once() {
        return run({LKP_KIOSK_BIN, "sync", "--once", "--data-dir", dir_.file("kiosk"), "--store-url", store_->url(),
                    "--token-file", dir_.file("token"), "--backoff-cap", "1", "--timeout", "5"});
    }
};

TEST_P(KioskBurst, ABurstReachesTheStoreFlaggedAndOnlyTheIndicatorsLeaveItOut) {
    std::vector<std::string> burst_ids;
    {
        KioskDatabase db = KioskDatabase::open(dir_.file("kiosk"));  // the default rule: more than 3 within 60 s
        // Five residents, one every ten minutes, all with 8.
        for (int i = 0; i < 5; ++i) {
            Response r = answer("2026-06-15T10:" + std::to_string(10 + 10 * i) + ":00.000Z", 8);
            db.save(r);
        }
        // Then four answers of 0 within 45 s: all four are a burst, the first ones too.
        for (const char* when : {"2026-06-15T12:00:00.000Z", "2026-06-15T12:00:15.000Z", "2026-06-15T12:00:30.000Z",
                                 "2026-06-15T12:00:45.000Z"}) {
            Response r = answer(when, 0);
            db.save(r);
            burst_ids.push_back(r.id);
        }
    }
    RunResult sync = sync_once();
    ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
    EXPECT_NE(sync.out.find("sent 9 new"), std::string::npos) << sync.out;

    // In the store, as the kiosk flagged them.
    std::vector<std::string> flagged =
        store_->query("SELECT id FROM responses WHERE CAST(flags AS TEXT) LIKE '%\"burst\"%'");
    std::sort(flagged.begin(), flagged.end());
    std::sort(burst_ids.begin(), burst_ids.end());
    EXPECT_EQ(flagged, burst_ids);

    // The figures leave the burst out (eight, not four and a half), unless asked for.
    EXPECT_EQ(city_life(2026), "8.00 5");
    EXPECT_EQ(exported_city_life(2026, false), "8.00 5");
    EXPECT_EQ(exported_city_life(2026, true), "4.44 9");

    // The response export counts the burst, each answer with its flag, also when flagged ones are not asked for.
    auto out = store_->cli({"export", "responses", "--out", dir_.file("svar.json")});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    Json doc = Json::parse(read_file(dir_.file("svar.json")));
    ASSERT_EQ(doc["Svar"].size(), 9u);
    int burst_rows = 0;
    for (const auto& r : doc["Svar"]) burst_rows += r["flaggor"] == "burst" ? 1 : 0;
    EXPECT_EQ(burst_rows, 4);
    EXPECT_NE(doc.dump().find("burst (många svar i snabb följd vid en kiosk) är med"), std::string::npos)
        << doc["about"].dump();
}

TEST_P(KioskBurst, TheRunningSyncHoldsAnAnswerUntilItsWindowHasClosedThenSendsItUnasked) {
    write_file(dir_.file("kiosk.conf"), "kiosk_id = " + kiosk_ + "\nburst_window = 3\n");
    Response r = valid_response(kiosk_);
    {
        KioskDatabase db = KioskDatabase::open(dir_.file("kiosk"));
        db.set_burst_rule({.limit = 3, .window = 3s});
        r.submitted_at = now_utc();
        db.save(r);
    }
    // `lkp-kiosk sync` without --once: the kiosk's own background thread, which nobody notifies here.
    std::string out = dir_.file("sync.out"), err = dir_.file("sync.err");
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(127);
        execl(LKP_KIOSK_BIN, LKP_KIOSK_BIN, "sync", "--config", dir_.file("kiosk.conf").c_str(), "--data-dir",
              dir_.file("kiosk").c_str(), "--store-url", store_->url().c_str(), "--token-file",
              dir_.file("token").c_str(), nullptr);
        _exit(127);
    }
    const auto given = *parse_utc(r.submitted_at);
    while (std::chrono::system_clock::now() < given + 2s) {
        EXPECT_TRUE(store_->response_ids(kiosk_).empty()) << "sent before its window closed";
        std::this_thread::sleep_for(100ms);
    }
    auto until = std::chrono::system_clock::now() + 10s;
    while (store_->response_ids(kiosk_).empty() && std::chrono::system_clock::now() < until)
        std::this_thread::sleep_for(50ms);
    auto arrived = std::chrono::system_clock::now();
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_EQ(store_->response_ids(kiosk_), std::vector<std::string>{r.id}) << read_file(err);
    EXPECT_GE(arrived, given + 3s);
    EXPECT_LT(arrived, given + 5s) << "the sync slept until it was due, not until the next heartbeat";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(err);
}

INSTANTIATE_TEST_SUITE_P(Backends, KioskBurst, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
