// What one answer adds to the survey file's indicators, and the figures their sums come to.
#include "indicator_sums.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/test_support.h"

namespace lkp::server {
namespace {

const Indicator& indicator(const Survey& s, const std::string& id) {
    for (const auto& i : s.indicators)
        if (i.id == id) return i;
    throw std::runtime_error("no indicator " + id);
}

const Contribution* find(const std::vector<Contribution>& cs, const std::string& indicator) {
    for (const auto& c : cs)
        if (c.key.indicator == indicator) return &c;
    return nullptr;
}

TEST(IndicatorSums, OneAnswerFeedsEachIndicatorItAnswers) {
    Survey survey = test::builtin_data().survey;
    Response r = test::sample_response();  // trygghet 2, delaktighet declined, livskvalitet 8
    r.answers.emplace_back("gender", "K");
    auto cs = contributions(survey, r);
    ASSERT_EQ(cs.size(), 3u) << "a declined question adds nothing: trygghet's two readings and livskvalitet";
    const Contribution* safety = find(cs, "trygghet_otrygg_andel");
    ASSERT_TRUE(safety);
    EXPECT_EQ(safety->sums, (Sums{.n = 1, .numerator = 0}));  // 2 is "fairly safe": not in the numerator
    EXPECT_EQ(safety->key.survey_id, "helsingborg-lkp");
    EXPECT_EQ(safety->key.district, "022");
    EXPECT_EQ(safety->key.day, "2026-11-22");
    EXPECT_EQ(safety->key.gender, "K");
    EXPECT_FALSE(safety->key.flagged);
    const Contribution* life = find(cs, "livskvalitet_medel");
    ASSERT_TRUE(life);
    EXPECT_EQ(life->sums, (Sums{.n = 1, .numerator = 0, .sum = 8, .sum_of_squares = 64}));
    EXPECT_FALSE(find(cs, "delaktighet_nii"));
    const Contribution* safe = find(cs, "trygghet_trygg_andel");  // the complementary reading
    ASSERT_TRUE(safe);
    EXPECT_EQ(safe->sums, (Sums{.n = 1, .numerator = 1}));
}

TEST(IndicatorSums, UnsafeAnswersAndStayingInCountInTheNumerator) {
    Survey survey = test::builtin_data().survey;
    for (int v = 1; v <= 6; ++v) {
        Response r = test::sample_response();
        r.answers = {{"trygghet", v}, {"delaktighet", nullptr}, {"livskvalitet", nullptr}};
        auto cs = contributions(survey, r);
        ASSERT_EQ(cs.size(), 2u);
        const Contribution* unsafe = find(cs, "trygghet_otrygg_andel");
        ASSERT_TRUE(unsafe);
        EXPECT_EQ(unsafe->sums.n, 1);
        EXPECT_EQ(unsafe->sums.numerator, v >= 3 && v <= 5 ? 1 : 0) << "answer " << v;
        // Staying in for other reasons (6) is in the denominator of both readings, the numerator of neither.
        EXPECT_EQ(find(cs, "trygghet_trygg_andel")->sums.numerator, v <= 2 ? 1 : 0) << "answer " << v;
    }
}

TEST(IndicatorSums, TheDayIsStockholmsAndFlagsAreKeptApart) {
    Survey survey = test::builtin_data().survey;
    Response r = test::sample_response();
    r.submitted_at = "2026-12-31T23:30:00.000Z";
    r.district.reset();
    r.flags = {"synthetic"};
    auto cs = contributions(survey, r);
    ASSERT_FALSE(cs.empty());
    EXPECT_EQ(cs[0].key.day, "2027-01-01");
    EXPECT_EQ(cs[0].key.district, "");
    EXPECT_EQ(cs[0].key.gender, "");
    EXPECT_TRUE(cs[0].key.flagged);
}

TEST(IndicatorSums, AnExcludedAnswerIsNotInTheDenominator) {
    Survey survey = test::builtin_data().survey;
    for (auto& i : survey.indicators)
        if (i.id == "trygghet_otrygg_andel") i.excluded = {Json(6)};
    Response r = test::sample_response();
    r.answers = {{"trygghet", 6}, {"delaktighet", nullptr}, {"livskvalitet", nullptr}};
    auto cs = contributions(survey, r);
    EXPECT_FALSE(find(cs, "trygghet_otrygg_andel"));
    EXPECT_TRUE(find(cs, "trygghet_trygg_andel"));  // its own list excludes nothing
}

TEST(IndicatorSums, FiguresOfEachKind) {
    Survey survey = test::builtin_data().survey;
    Figure share = figure(survey, indicator(survey, "trygghet_otrygg_andel"), Sums{.n = 263, .numerator = 81});
    ASSERT_TRUE(share.value && share.interval);
    EXPECT_NEAR(*share.value, 100.0 * 81 / 263, 1e-9);
    EXPECT_NEAR(share.interval->low, 25.53, 0.005);  // Wilson, as in Newcombe 1998
    EXPECT_NEAR(share.interval->high, 36.62, 0.005);

    // delaktighet answers 1 and 10: the mean 5.5 is the middle of the 1..10 scale, index 50.
    Figure index = figure(survey, indicator(survey, "delaktighet_nii"), Sums{.n = 2, .sum = 11, .sum_of_squares = 101});
    ASSERT_TRUE(index.value && index.interval);
    EXPECT_DOUBLE_EQ(*index.value, 50);
    EXPECT_NEAR((index.interval->low + index.interval->high) / 2, 50, 1e-9);
    // mean 5.5, SD 6.364, t(1) 12.706: half-width 57.18 on the 1..10 scale, 635.3 on the index.
    EXPECT_NEAR(index.interval->high - 50, 12.7062 * 6.36396 / std::sqrt(2.0) * 100 / 9, 0.05);

    Figure mean = figure(survey, indicator(survey, "livskvalitet_medel"), Sums{.n = 1, .sum = 8, .sum_of_squares = 64});
    ASSERT_TRUE(mean.value);
    EXPECT_DOUBLE_EQ(*mean.value, 8);
    EXPECT_FALSE(mean.interval) << "no interval from one answer";
    EXPECT_FALSE(figure(survey, indicator(survey, "livskvalitet_medel"), Sums{}).value);
}

}  // namespace
}  // namespace lkp::server
