// The indicators' arithmetic against published values: Wilson intervals (Brown, Cai & DasGupta
// 2001 recommend it; values as tabulated by Newcombe 1998, method 3), Student t quantiles (any
// t table), and Stockholm calendar dates across New Year and both daylight-saving switches.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <ctime>

#include "indicators/interval.h"
#include "indicators/stockholm_time.h"
#include "record/utc.h"

namespace lkp::indicators {
namespace {

using namespace std::chrono;

TEST(Wilson, MatchesPublishedIntervals) {
    struct Case {
        std::int64_t x, n;
        double low, high;
    } cases[] = {
        {81, 263, 0.2553, 0.3662},  // Newcombe 1998, table I, example (a)
        {15, 148, 0.0624, 0.1605},  // example (b)
        {0, 20, 0.0, 0.1611},       // example (c)
        {1, 29, 0.0061, 0.1718},    // example (d)
        {5, 10, 0.2366, 0.7634},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::to_string(c.x) + "/" + std::to_string(c.n));
        Interval i = wilson(c.x, c.n);
        EXPECT_NEAR(i.low, c.low, 5e-5);
        EXPECT_NEAR(i.high, c.high, 5e-5);
    }
}

TEST(Wilson, StaysInsideZeroToOneAndRefusesNonsense) {
    Interval all = wilson(7, 7);
    EXPECT_LT(all.low, 1.0);
    EXPECT_DOUBLE_EQ(all.high, 1.0);
    EXPECT_THROW(wilson(3, 2), std::invalid_argument);
    EXPECT_THROW(wilson(0, 0), std::invalid_argument);
}

TEST(StudentT, QuantilesMatchTheTable) {
    struct Case {
        std::int64_t df;
        double t;
    } cases[] = {{1, 12.7062}, {2, 4.3027},  {3, 3.1824},  {4, 2.7764},   {5, 2.5706},   {9, 2.2622},
                 {10, 2.2281}, {29, 2.0452}, {30, 2.0423}, {100, 1.9840}, {1000, 1.9623}};
    for (const auto& c : cases) EXPECT_NEAR(t_quantile_975(c.df), c.t, 1e-4) << "df " << c.df;
    EXPECT_THROW(t_quantile_975(0), std::invalid_argument);
}

TEST(StudentT, IntervalOfAMeanFromItsSums) {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample SD sqrt(32/7), t(7) = 2.3646.
    double sum = 40, squares = 4 + 16 + 16 + 16 + 25 + 25 + 49 + 81;
    EXPECT_NEAR(standard_deviation(8, sum, squares), std::sqrt(32.0 / 7), 1e-12);
    Interval i = t_interval(8, sum, squares);
    double half = 2.364624 * std::sqrt(32.0 / 7) / std::sqrt(8.0);
    EXPECT_NEAR(i.low, 5 - half, 1e-5);
    EXPECT_NEAR(i.high, 5 + half, 1e-5);
    Interval same = t_interval(3, 21, 147);  // 7, 7, 7: no spread, no width
    EXPECT_DOUBLE_EQ(same.low, 7);
    EXPECT_DOUBLE_EQ(same.high, 7);
}

year_month_day local(const char* utc) { return stockholm_date(*parse_utc(utc)); }

TEST(StockholmTime, NewYearComesAnHourBeforeUtc) {
    EXPECT_EQ(local("2026-12-31T22:59:59.999Z"), 2026y / December / 31);
    EXPECT_EQ(local("2026-12-31T23:00:00.000Z"), 2027y / January / 1);
    EXPECT_EQ(local("2026-12-31T23:30:00.000Z"), 2027y / January / 1);
    EXPECT_EQ(period_label(Period::Year, local("2026-12-31T23:30:00.000Z")), "2027");
}

TEST(StockholmTime, SummerTimeStartsAndEndsAtOneUtcOnTheLastSunday) {
    // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
    EXPECT_EQ(local("2026-03-28T22:59:59.000Z"), 2026y / March / 28);  // 23:59 CET
    EXPECT_EQ(local("2026-03-28T23:00:00.000Z"), 2026y / March / 29);  // 00:00 CET
    EXPECT_EQ(local("2026-06-30T21:59:59.000Z"), 2026y / June / 30);   // 23:59 CEST
    EXPECT_EQ(local("2026-06-30T22:00:00.000Z"), 2026y / July / 1);    // midnight CEST: a new half and quarter
    EXPECT_EQ(period_label(Period::Half, local("2026-06-30T22:00:00.000Z")), "2026-H2");
    EXPECT_EQ(period_label(Period::Quarter, local("2026-06-30T21:59:59.000Z")), "2026-Q2");
    EXPECT_EQ(local("2026-10-24T21:59:59.000Z"), 2026y / October / 24);  // still CEST
    EXPECT_EQ(local("2026-10-24T22:00:00.000Z"), 2026y / October / 25);
    EXPECT_EQ(local("2026-10-31T22:59:59.000Z"), 2026y / October / 31);  // CET again
    EXPECT_EQ(local("2026-10-31T23:00:00.000Z"), 2026y / November / 1);
    EXPECT_EQ(period_label(Period::Month, local("2026-10-31T23:00:00.000Z")), "2026-11");
    // 2027: from 28 March to 31 October.
    EXPECT_EQ(local("2027-03-28T00:59:59.000Z"), 2027y / March / 28);
    EXPECT_EQ(local("2027-03-27T23:00:00.000Z"), 2027y / March / 28);
    EXPECT_EQ(local("2027-09-30T22:00:00.000Z"), 2027y / October / 1);
}

// The system's tz database as an independent check, every 37 minutes from 2020 to 2036.
TEST(StockholmTime, AgreesWithTheTzDatabase) {
    if (access("/usr/share/zoneinfo/Europe/Stockholm", R_OK) != 0) GTEST_SKIP() << "no tzdata";
    setenv("TZ", "Europe/Stockholm", 1);
    tzset();
    int checked = 0;
    for (sys_seconds t = sys_days{2020y / January / 1}; t < sys_days{2036y / January / 1}; t += minutes{37}) {
        std::time_t c = system_clock::to_time_t(t);
        std::tm tm{};
        localtime_r(&c, &tm);
        year_month_day expected{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                                day{static_cast<unsigned>(tm.tm_mday)}};
        ASSERT_EQ(stockholm_date(t), expected) << format_utc(t);
        ++checked;
    }
    unsetenv("TZ");
    tzset();
    EXPECT_GT(checked, 200000);
}

TEST(StockholmTime, PeriodLabelsSortInTimeOrder) {
    EXPECT_EQ(period_label(Period::Quarter, 2026y / January / 1), "2026-Q1");
    EXPECT_EQ(period_label(Period::Quarter, 2026y / December / 31), "2026-Q4");
    EXPECT_EQ(period_label(Period::Half, 2026y / June / 30), "2026-H1");
    EXPECT_EQ(period_label(Period::Month, 2026y / February / 3), "2026-02");
    EXPECT_LT(period_label(Period::Month, 2026y / September / 1), period_label(Period::Month, 2026y / October / 1));
}

// Midnight in Stockholm is 23:00 UTC the day before in winter and 22:00 in summer, also on the
// days the clocks change (29 March and 25 October 2026, at 01:00 UTC).
TEST(StockholmTime, MidnightIsFoundInBothSeasonsAndOnTheChangeDays) {
    EXPECT_EQ(format_utc(stockholm_midnight(2026y / January / 1)), "2025-12-31T23:00:00.000Z");
    EXPECT_EQ(format_utc(stockholm_midnight(2026y / July / 1)), "2026-06-30T22:00:00.000Z");
    EXPECT_EQ(format_utc(stockholm_midnight(2026y / March / 29)), "2026-03-28T23:00:00.000Z");
    EXPECT_EQ(format_utc(stockholm_midnight(2026y / March / 30)), "2026-03-29T22:00:00.000Z");
    EXPECT_EQ(format_utc(stockholm_midnight(2026y / October / 25)), "2026-10-24T22:00:00.000Z");
    EXPECT_EQ(format_utc(stockholm_midnight(2026y / October / 26)), "2026-10-25T23:00:00.000Z");
    for (sys_days d = sys_days{2024y / January / 1}; d < sys_days{2028y / January / 1}; d += days{1}) {
        auto m = stockholm_midnight(year_month_day{d});
        ASSERT_EQ(stockholm_date(m), year_month_day{d});
        ASSERT_NE(stockholm_date(m - seconds{1}), year_month_day{d});
    }
}

TEST(StockholmTime, WallTimeFollowsSummerTime) {
    EXPECT_EQ(stockholm_wall_time(*parse_utc("2026-07-01T12:03:04.500Z")), "2026-07-01 14:03:04");
    EXPECT_EQ(stockholm_wall_time(*parse_utc("2025-12-31T23:30:00.000Z")), "2026-01-01 00:30:00");
    EXPECT_EQ(stockholm_wall_time(*parse_utc("2026-10-25T00:59:59.000Z")), "2026-10-25 02:59:59");
    EXPECT_EQ(stockholm_wall_time(*parse_utc("2026-10-25T01:00:00.000Z")), "2026-10-25 02:00:00");
}

// Newcombe (1998), Statistics in Medicine 17:873, table II, example (a): 56/70 - 48/80 with his
// method 10 is 0.0524 to 0.3339.
TEST(Difference, SharesFollowNewcombesPublishedExample) {
    Interval d = share_difference(56, 70, 48, 80);
    EXPECT_NEAR(d.low, 0.0524, 5e-5);
    EXPECT_NEAR(d.high, 0.3339, 5e-5);
    Interval same = share_difference(30, 60, 30, 60);
    EXPECT_NEAR(same.low, -same.high, 1e-12);  // no difference: symmetric around zero
}

// Welch: {1..5} against {2,4,..,10}: means 3 and 6, variances 2.5 and 10, standard error
// sqrt(0.5 + 2), 5.88 degrees of freedom, so the half-width lies between t(6) and t(5) times it.
TEST(Difference, MeansUseWelchsDegreesOfFreedom) {
    Interval d = mean_difference(5, 15, 55, 5, 30, 220);
    double se = std::sqrt(2.5);
    EXPECT_NEAR((d.low + d.high) / 2, -3, 1e-12);
    double half = (d.high - d.low) / 2;
    EXPECT_GT(half, t_quantile_975(6) * se);
    EXPECT_LT(half, t_quantile_975(5) * se);
    // Large equal samples: close to the normal 1.96.
    Interval big = mean_difference(100000, 100000 * 5.0, 100000 * 26.0, 100000, 100000 * 4.0, 100000 * 17.0);
    EXPECT_NEAR((big.high - big.low) / 2, 1.96 * std::sqrt(2.0 / 100000), 1e-4);
}

}  // namespace
}  // namespace lkp::indicators
