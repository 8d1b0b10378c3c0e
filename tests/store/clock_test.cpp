// Wrong kiosk clocks (issue 14, part 5) at the real lkp-store, on SQLite and PostgreSQL: answers
// whose kiosk clock was clearly wrong (Kiosk-Sent-At more than an hour off, or submitted_at years
// away) are kept, flagged "clock", and counted on the day the store received them; a plausible
// clock changes nothing; a resend after the clock was set right is a duplicate, never a conflict.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "store_backend.h"
#include "store_fixture.h"

namespace lkp::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;
using Status = sync::ItemResult::Status;

constexpr auto kThreeYears = std::chrono::days(3 * 365);
constexpr auto kTwoYears = std::chrono::days(2 * 365);

class ClockTest : public StoreTest {
  protected:
    // `n` real answers given ten minutes apart up to `kiosk_now` by the kiosk's clock, livskvalitet
    // 1, 2, 3, ...
    std::vector<Response> answers_until(Clock::time_point kiosk_now, int n, std::int64_t first_seq = 1) {
        std::vector<Response> out;
        for (int i = 0; i < n; ++i) {
            Response r = valid_response(kiosk_, first_seq + i);
            auto given = kiosk_now - (n - 1 - i) * 10min;
            r.submitted_at = format_utc(given);
            r.started_at = format_utc(given - 50s);
            for (auto& [question, value] : r.answers)
                if (question == "livskvalitet") value = i + 1;
            out.push_back(r);
        }
        return out;
    }

    // The city's livskvalitet_medel for everyone in `year`, "mean n", as /v1/indicators gives it.
    std::string city_life(const std::string& year) {
        Reply reply = get("/v1/indicators?period=year&per_page=5000&from=" + year + "-01-01&to=" + year + "-12-31");
        if (reply.status != 200) return "status " + std::to_string(reply.status) + ": " + reply.body;
        const Json body = Json::parse(reply.body);  // kept: a loop over a temporary's member reads freed memory
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

    std::string count(const std::string& where) {
        return server_->query("SELECT count(*) FROM responses WHERE " + where).at(0);
    }

    // The number after `name=` on the kiosk's line of `lkp-store kiosk list`.
    std::string listed(const std::string& name) {
        auto out = server_->cli({"kiosk", "list"});
        if (out.exit_code != 0) return "kiosk list failed: " + out.err;
        auto line_at = out.out.find(kiosk_ + "  ");
        auto at = out.out.find("  " + name + "=", line_at);
        if (line_at == std::string::npos || at == std::string::npos) return "not listed: " + out.out;
        at += name.size() + 3;
        return out.out.substr(at, out.out.find_first_of(" \n", at) - at);
    }

    static std::string stockholm_year(Clock::time_point t) { return server::stockholm_day(format_utc(t)).substr(0, 4); }
};

TEST_P(ClockTest, AnswersOfAKioskThreeYearsBehindAreKeptFlaggedAndCountedOnTheDayTheyArrived) {
    const auto now = Clock::now();
    const auto kiosk_now = now - kThreeYears;
    auto batch = answers_until(kiosk_now, 6);
    for (const auto& r : results(post_batch_sent_at(batch, format_utc(kiosk_now)), batch))
        EXPECT_EQ(r.status, Status::Created) << r.field << ": " << r.reason;

    EXPECT_EQ(count("clock_flag"), "6");
    EXPECT_EQ(count("kiosk_sent_at IS NOT NULL"), "6");
    // Counted on the store's day, mean of 1..6 = 3.5; nothing in the year the kiosk believed in.
    EXPECT_EQ(city_life(stockholm_year(now)), "3.50 6");
    const std::string then = city_life(stockholm_year(kiosk_now));
    EXPECT_TRUE(then == "none" || then.rfind("no value, n 0", 0) == 0) << then;
    // The staff page's days count them on the day they arrived too.
    EXPECT_EQ(server_->query("SELECT day || ' ' || CAST(answers AS TEXT) FROM kiosk_days"),
              std::vector<std::string>{server::stockholm_day(format_utc(now)) + " 6"});
    // `kiosk list` shows the batch's skew: three years, to within a few seconds.
    std::string skew = listed("batch_skew_s");
    const long long three_years = std::chrono::duration_cast<std::chrono::seconds>(kThreeYears).count();
    EXPECT_LE(std::llabs(std::atoll(skew.c_str()) - three_years), 5) << skew;

    // The export shows the flag and both days: the kiosk's and the store's.
    auto out = server_->cli({"export", "responses", "--format", "json", "--out", server_->dir() + "/r.json"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    Json doc = Json::parse(read_file(server_->dir() + "/r.json"));
    ASSERT_EQ(doc["Svar"].size(), 6u);
    for (const auto& row : doc["Svar"]) {
        EXPECT_EQ(row["flaggor"], "clock");
        EXPECT_EQ(row["datum"].get<std::string>().substr(0, 4), stockholm_year(kiosk_now));
        EXPECT_EQ(row["mottagen_datum"], server::stockholm_day(format_utc(now)));
    }
    // And a rebuild of the sums from the rows dates them the same way.
    ASSERT_EQ(server_->cli({"indicators", "rebuild"}).exit_code, 0);
    EXPECT_EQ(city_life(stockholm_year(now)), "3.50 6");
}

// A kiosk of before issue 14 sends no Kiosk-Sent-At: an answer two years ahead of the store was
// rejected; now it is kept, flagged and counted today.
TEST_P(ClockTest, AnswersTwoYearsAheadWithoutKioskSentAtAreKeptFlaggedAndCountedToday) {
    const auto now = Clock::now();
    auto batch = answers_until(now + kTwoYears, 5);
    batch.push_back(answers_until(now, 1, 6).at(0));  // the clock set right: a plausible answer
    for (const auto& r : results(post_batch(batch), batch))
        EXPECT_EQ(r.status, Status::Created) << r.field << ": " << r.reason;
    EXPECT_EQ(count("clock_flag"), "5");
    EXPECT_EQ(count("kiosk_sent_at IS NULL"), "6");
    // 1..5 today by receipt, and the plausible answer (1) today by its own time: (15 + 1) / 6.
    EXPECT_EQ(city_life(stockholm_year(now)), "2.67 6");
    EXPECT_EQ(listed("batch_skew_s"), "-") << "no Kiosk-Sent-At: the skew is unknown";
}

// The header decides even when the answers' times look possible: a kiosk clock two hours ahead
// dates its answers two hours off, on another day near midnight. A few seconds is a right clock.
TEST_P(ClockTest, KioskSentAtMoreThanAnHourOffFlagsTheBatchAndAFewSecondsDoesNot) {
    const auto now = Clock::now();
    auto ahead = answers_until(now + 2h, 2);
    for (const auto& r : results(post_batch_sent_at(ahead, format_utc(now + 2h)), ahead))
        EXPECT_EQ(r.status, Status::Created) << r.reason;
    EXPECT_EQ(count("clock_flag"), "2");

    auto right = answers_until(now, 2, 3);
    for (const auto& r : results(post_batch_sent_at(right, format_utc(now - 3s)), right))
        EXPECT_EQ(r.status, Status::Created) << r.reason;
    EXPECT_EQ(count("clock_flag"), "2");
    EXPECT_EQ(count("NOT clock_flag"), "2");
    const long long skew = std::atoll(listed("batch_skew_s").c_str());
    EXPECT_GE(skew, 3);
    EXPECT_LE(skew, 10);
}

// The kiosk resends a saved batch byte for byte under its Idempotency-Key, now with its clock set
// right; the store's clock flag is not part of what it hashes, so nothing conflicts or doubles.
TEST_P(ClockTest, AResendAfterTheKioskClockWasSetRightIsTheSameAnswerOrADuplicate) {
    const auto now = Clock::now();
    auto batch = answers_until(now - kThreeYears, 5);
    const std::string key = new_uuid_v4();
    Reply first = post_batch_sent_at(batch, format_utc(now - kThreeYears), key);
    for (const auto& r : results(first, batch)) ASSERT_EQ(r.status, Status::Created) << r.reason;

    Reply again = post_batch_sent_at(batch, format_utc(Clock::now()), key);
    EXPECT_EQ(again.body, first.body);
    // Under a new key (the record expired): each a duplicate, still flagged and counted once.
    for (const auto& r : results(post_batch_sent_at(batch, format_utc(Clock::now())), batch))
        EXPECT_EQ(r.status, Status::Duplicate) << r.code << " " << r.reason;
    for (const auto& r : results(post_batch(batch), batch)) EXPECT_EQ(r.status, Status::Duplicate) << r.reason;
    EXPECT_EQ(count("1 = 1"), "5");
    EXPECT_EQ(count("clock_flag"), "5");
    EXPECT_EQ(city_life(stockholm_year(now)), "3.00 5");
}

TEST_P(ClockTest, AKioskSentAtThatIsNoUtcTimeIsRefusedNamingIt) {
    auto batch = answers_until(Clock::now(), 1);
    Reply reply = post_batch_sent_at(batch, "yesterday");
    EXPECT_EQ(reply.status, 400);
    EXPECT_NE(reply.body.find("Kiosk-Sent-At"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find("yesterday"), std::string::npos) << reply.body;
    EXPECT_EQ(count("1 = 1"), "0");
}

INSTANTIATE_TEST_SUITE_P(Backends, ClockTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
