// The survey file is the city's: every mistake in it must be reported with file and line.
#include "core/survey.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace lkp {
namespace {

std::string error_of(const std::string& text) {
    try {
        parse_survey(JsonDocument::parse("survey.json", text));
    } catch (const LoadError& e) {
        return e.what();
    }
    return "no error";
}

const char* kValid = R"({
  "survey_id": "s", "version": 2,
  "scales": {
    "yn": {"type": "choice", "options": [{"value": 1, "label": "a", "tone": 2}, {"value": 2, "label": "b"}]},
    "ten": {"type": "numeric", "min": 1, "max": 10, "low_label": "lo", "high_label": "hi"}
  },
  "questions": [
    {"id": "q1", "section": "core", "text": "t1", "scale": "yn", "indicator": "i1"},
    {"id": "q2", "section": "background", "text": "t2", "scale": "ten"}
  ],
  "indicators": [{"id": "i1", "kind": "share", "question": "q1", "numerator": [1]}]
})";

std::string with(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

TEST(Survey, BuiltInSurveyHasTheThreeCoreQuestionsOnTheirScales) {
    Survey s = test::builtin_data().survey;
    ASSERT_GE(s.questions.size(), 3u);
    EXPECT_EQ(s.questions[0].id, "trygghet");
    EXPECT_EQ(s.questions[0].scale.options.size(), 6u);  // NTU's answer categories
    EXPECT_EQ(s.questions[1].scale.min, 1);              // SCB 1-10
    EXPECT_EQ(s.questions[1].scale.max, 10);
    EXPECT_EQ(s.questions[2].scale.min, 0);  // life satisfaction 0-10
    EXPECT_EQ(s.questions[2].scale.options.size(), 11u);
    EXPECT_EQ(s.questions[0].indicator, "trygghet_otrygg_andel");
    for (const auto& q : s.questions) EXPECT_FALSE(q.scale.is_allowed(nullptr)) << "declining is not a scale value";
}

TEST(Survey, ValidFileLoads) {
    Survey s = parse_survey(JsonDocument::parse("survey.json", kValid));
    EXPECT_EQ(s.version, 2);
    EXPECT_EQ(s.questions[1].scale.options.size(), 10u);
    EXPECT_EQ(s.questions[0].scale.options[0].tone, 2);
    EXPECT_FALSE(s.questions[0].scale.options[1].tone.has_value());
}

TEST(Survey, SyntaxErrorNamesFileAndLine) {
    EXPECT_EQ(error_of("{\n \"survey_id\": \"s\",\n \"version\": 1,,\n}").substr(0, 14), "survey.json:3:");
}

TEST(Survey, UnknownScaleIsReportedAtItsLine) {
    std::string e = error_of(with(kValid, "\"scale\": \"ten\"", "\"scale\": \"eleven\""));
    EXPECT_NE(e.find("survey.json:9:"), std::string::npos) << e;
    EXPECT_NE(e.find("no scale named \"eleven\""), std::string::npos) << e;
}

TEST(Survey, DuplicateQuestionIdIsRefused) {
    std::string e = error_of(with(kValid, "\"id\": \"q2\"", "\"id\": \"q1\""));
    EXPECT_NE(e.find("survey.json:9:"), std::string::npos) << e;
    EXPECT_NE(e.find("appears twice"), std::string::npos) << e;
}

TEST(Survey, IndicatorValuesMustBeAnswersOfItsQuestion) {
    std::string e = error_of(with(kValid, "\"numerator\": [1]", "\"numerator\": [7]"));
    EXPECT_NE(e.find("survey.json:11:"), std::string::npos) << e;
    EXPECT_NE(e.find("7 is not an answer"), std::string::npos) << e;
}

TEST(Survey, WrongTypesAndMissingFieldsAreNamed) {
    EXPECT_NE(error_of(with(kValid, "\"version\": 2", "\"version\": \"2\"")).find("/version: expected a whole number"),
              std::string::npos);
    EXPECT_NE(error_of(with(kValid, "\"text\": \"t1\", ", "")).find("missing field \"text\""), std::string::npos);
    EXPECT_NE(error_of(with(kValid, "\"min\": 1, \"max\": 10", "\"min\": 1, \"max\": 30")).find("at most 11 steps"),
              std::string::npos);
    EXPECT_NE(error_of(with(kValid, "\"section\": \"core\"", "\"section\": \"main\"")).find("section must be"),
              std::string::npos);
    EXPECT_NE(error_of(with(kValid, "{\"value\": 2, \"label\": \"b\"}", "{\"value\": 1, \"label\": \"b\"}"))
                  .find("appears twice"),
              std::string::npos);
}

TEST(Survey, MissingFileIsNamed) {
    try {
        load_survey("/nonexistent/survey.json");
        FAIL();
    } catch (const LoadError& e) {
        EXPECT_STREQ(e.what(), "/nonexistent/survey.json: cannot open file");
    }
}

}  // namespace
}  // namespace lkp
