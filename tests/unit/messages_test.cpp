// Translations are gettext PO files; every text the kiosk shows must exist in every language.
#include "core/messages.h"

#include <gtest/gtest.h>

#include "support/test_support.h"
#include "ui/kiosk_ui.h"

namespace lkp {
namespace {

const char* kHeader =
    "msgid \"\"\nmsgstr \"\"\n\"Language: xx\\n\"\n\"X-Language-Name: Testish\\n\"\n\"X-Text-Direction: rtl\\n\"\n\n";

TEST(Messages, ParsesEntriesContinuationsEscapesAndSkipsFuzzy) {
    Catalog c = parse_po("xx.po", std::string(kHeader) +
                                      "#. a comment\nmsgid \"a\"\nmsgstr \"first \"\n\"second\"\n\n"
                                      "msgid \"b\"\nmsgstr \"say \\\"hi\\\"\\n\"\n\n"
                                      "#, fuzzy\nmsgid \"c\"\nmsgstr \"unsure\"\n\n"
                                      "msgid \"d\"\nmsgstr \"\"\n");
    EXPECT_EQ(c.language, "xx");
    EXPECT_EQ(c.native_name, "Testish");
    EXPECT_TRUE(c.rtl);
    EXPECT_FALSE(c.reviewed);
    EXPECT_EQ(*c.find("a"), "first second");
    EXPECT_EQ(*c.find("b"), "say \"hi\"\n");
    EXPECT_EQ(c.find("c"), nullptr) << "fuzzy translations are not used, as in gettext";
    EXPECT_EQ(c.find("d"), nullptr) << "an empty msgstr is untranslated";
    EXPECT_EQ(c.lines.at("b"), 12);
}

TEST(Messages, SyntaxErrorsNameTheLine) {
    auto error_of = [](const std::string& body) {
        try {
            parse_po("xx.po", std::string(kHeader) + body);
        } catch (const LoadError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(error_of("msgid \"a\"\nmsgstr \"unterminated\n"), "xx.po:8: malformed string \"unterminated");
    EXPECT_EQ(error_of("msgid \"a\"\nmsgtxt \"x\"\n"),
              "xx.po:8: unexpected \"msgtxt\" (expected msgid, msgstr or a quoted string)");
    try {
        parse_po("yy.po", "msgid \"a\"\nmsgstr \"b\"\n");
        FAIL();
    } catch (const LoadError& e) {
        EXPECT_STREQ(e.what(), "yy.po:1: the header has no \"Language:\" field");
    }
}

TEST(Messages, EveryShippedLanguageHasEveryText) {
    KioskData data = test::builtin_data();
    std::vector<std::string> ids = data.survey.message_ids();
    for (const auto& id : ui_message_ids()) ids.push_back(id);
    ASSERT_GE(data.translations.languages().size(), 2u);
    EXPECT_EQ(data.translations.source().language, "sv");
    for (const auto& c : data.translations.languages()) {
        EXPECT_FALSE(c.native_name.empty());
        for (const auto& id : ids) EXPECT_TRUE(c.find(id)) << c.file << " has no text for " << id;
    }
}

TEST(Messages, MissingTextFallsBackToTheSourceLanguage) {
    test::TempDir dir;
    test::write_file(dir.file("LINGUAS"), "sv xx\n");
    test::write_file(
        dir.file("sv.po"),
        "msgid \"\"\nmsgstr \"Language: sv\\nX-Language-Name: Svenska\\n\"\n\nmsgid \"a\"\nmsgstr \"Hej\"\n");
    test::write_file(dir.file("xx.po"), kHeader);
    Translations t = Translations::load(dir.path());
    EXPECT_EQ(t.text("xx", "a"), "Hej");
    EXPECT_THROW(t.require({"a", "b"}, "test"), LoadError);
    test::write_file(dir.file("LINGUAS"), "sv yy\n");
    EXPECT_THROW(Translations::load(dir.path()), LoadError) << "a listed language without a file";
}

}  // namespace
}  // namespace lkp

namespace lkp {
namespace {

TEST(PluralRule, EvaluatesGettextExpressions) {
    PluralRule ar = PluralRule::parse(
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);");
    EXPECT_EQ(ar.count(), 6);
    std::vector<int> got;
    for (long n : {0, 1, 2, 3, 10, 11, 99, 100, 102, 103}) got.push_back(ar.index(n));
    EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 3, 4, 4, 5, 5, 3}));
    PluralRule pl =
        PluralRule::parse("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);");
    EXPECT_EQ(pl.index(1), 0);
    EXPECT_EQ(pl.index(3), 1);
    EXPECT_EQ(pl.index(5), 2);
    EXPECT_EQ(pl.index(12), 2);
    EXPECT_EQ(pl.index(22), 1);
    EXPECT_EQ(PluralRule::parse("nplurals=2; plural=(n > 1);").index(1), 0);
    EXPECT_EQ(PluralRule::parse("nplurals=1; plural=0;").index(7), 0);
    EXPECT_EQ(PluralRule().index(1), 0);
    EXPECT_EQ(PluralRule().index(0), 1);
}

TEST(PluralRule, RejectsBadRules) {
    EXPECT_THROW(PluralRule::parse("nplurals=2; plural=(n != 1;"), std::invalid_argument);
    EXPECT_THROW(PluralRule::parse("nplurals=2; plural=n;"), std::invalid_argument) << "n=5 gives 5, out of range";
    EXPECT_THROW(PluralRule::parse("plural=(n != 1);"), std::invalid_argument);
    EXPECT_THROW(PluralRule::parse("nplurals=2; plural=(n ! 1);"), std::invalid_argument);
}

TEST(Messages, PluralEntriesPickTheFormForTheNumber) {
    std::string po =
        "msgid \"\"\nmsgstr \"\"\n\"Language: pl\\n\"\n\"X-Language-Name: Polski\\n\"\n"
        "\"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : "
        "2);\\n\"\n\n"
        "msgid \"s\"\nmsgid_plural \"s\"\nmsgstr[0] \"{n} sekunda\"\nmsgstr[1] \"{n} sekundy\"\nmsgstr[2] \"{n} "
        "sekund\"\n\n"
        "msgid \"after\"\nmsgstr \"ok\"\n";
    test::TempDir dir;
    test::write_file(dir.file("LINGUAS"), "pl\n");
    test::write_file(dir.file("pl.po"), po);
    Translations t = Translations::load(dir.path());
    EXPECT_EQ(t.plural_text("pl", "s", 1), "{n} sekunda");
    EXPECT_EQ(t.plural_text("pl", "s", 3), "{n} sekundy");
    EXPECT_EQ(t.plural_text("pl", "s", 5), "{n} sekund");
    EXPECT_EQ(t.text("pl", "after"), "ok") << "the entry after a plural one is read too";

    std::string two_forms = po;
    two_forms.replace(two_forms.find("msgstr[2] \"{n} sekund\"\n"), 23, "");
    EXPECT_THROW(parse_po("pl.po", two_forms), LoadError) << "3 forms declared, 2 given";
}

TEST(Messages, ShippedPluralsHaveAFormForEveryNumber) {
    KioskData data = test::builtin_data();
    for (const auto& c : data.translations.languages()) {
        for (long n : {0, 1, 2, 5, 11, 20}) {
            std::string s = data.translations.plural_text(c.language, "ui.idle.body", n);
            EXPECT_NE(s.find("{seconds}"), std::string::npos) << c.file << " n=" << n;
        }
    }
}

}  // namespace
}  // namespace lkp
