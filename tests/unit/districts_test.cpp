// District names are proper nouns in Swedish order; codes are stable and never invented.
#include "core/districts.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/test_support.h"

namespace lkp {
namespace {

TEST(Districts, SwedishOrderPutsAaAeOeLast) {
    std::vector<std::string> names = {"Ödåkra",     "Ättekulla",  "Åstorp",  "Wilson Park",
                                      "Adolfsberg", "Zinkgruvan", "Österby", "Eneborg"};
    std::sort(names.begin(), names.end(), swedish_less);
    std::vector<std::string> expected = {"Adolfsberg", "Eneborg",   "Wilson Park", "Zinkgruvan",
                                         "Åstorp",     "Ättekulla", "Ödåkra",      "Österby"};
    EXPECT_EQ(names, expected);
    EXPECT_TRUE(swedish_less("Råå", "Rydebäck") == false) << "å sorts after y";
    EXPECT_TRUE(swedish_less("Högaborg", "Högasten"));
    EXPECT_TRUE(swedish_less("Mörarp", "Närlunda"));
    EXPECT_TRUE(swedish_less("Husensjö", "Högaborg")) << "u before ö";
}

TEST(Districts, InitialsForTheAlphabetStrip) {
    EXPECT_EQ(swedish_initial("Ödåkra"), "Ö");
    EXPECT_EQ(swedish_initial("Ättekulla"), "Ä");
    EXPECT_EQ(swedish_initial("berga"), "B");
}

TEST(Districts, BuiltInListIsSortedWithConfirmedCodesMarked) {
    DistrictList list = test::builtin_data().districts;
    EXPECT_EQ(list.municipality, "1283");
    EXPECT_GE(list.districts.size(), 38u);
    EXPECT_TRUE(std::is_sorted(list.districts.begin(), list.districts.end(),
                               [](const District& a, const District& b) { return swedish_less(a.name, b.name); }));
    EXPECT_EQ(list.districts.back().name, "Ödåkra");
    ASSERT_TRUE(list.find("001"));
    EXPECT_EQ(list.find("001")->name, "Norr");
    EXPECT_TRUE(list.find("022")->code_confirmed);
    EXPECT_TRUE(list.find("041")->code_confirmed);
    int confirmed = 0;
    for (const auto& d : list.districts) confirmed += d.code_confirmed;
    EXPECT_EQ(confirmed, 3) << "only codes read in a public source are marked confirmed";
    EXPECT_TRUE(list.is_valid_choice(kDistrictOutside));
    EXPECT_FALSE(list.is_valid_choice("999"));
}

TEST(Districts, DuplicatesAndReservedCodesAreRefusedWithTheirLine) {
    auto error_of = [](const std::string& items) {
        try {
            parse_districts(JsonDocument::parse("d.json",
                                                "{\"list_id\": \"l\", \"version\": \"1\", \"municipality\": \"1283\",\n"
                                                "\"districts\": [\n" +
                                                    items + "]}"));
        } catch (const LoadError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    std::string a = R"({"code": "001", "name": "Norr", "group": "central", "code_confirmed": true})";
    std::string b = R"({"code": "001", "name": "Söder", "group": "central", "code_confirmed": true})";
    std::string c = R"({"code": "outside", "name": "X", "group": "central", "code_confirmed": false})";
    std::string d = R"({"code": "002", "name": "Y", "group": "central", "code_confirmed": "yes"})";
    EXPECT_NE(error_of(a + ",\n" + b).find("d.json:4: /districts/1/code: code \"001\" appears twice"),
              std::string::npos)
        << error_of(a + ",\n" + b);
    EXPECT_NE(error_of(c).find("reserved"), std::string::npos);
    EXPECT_NE(error_of(d).find("expected true or false"), std::string::npos);
    EXPECT_EQ(error_of(a), "no error");
}

}  // namespace
}  // namespace lkp
