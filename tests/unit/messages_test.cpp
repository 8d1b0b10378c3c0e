// Translations are gettext PO files; every text the kiosk shows must exist in every language.
#include <gtest/gtest.h>

#include "core/messages.h"
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
    EXPECT_EQ(error_of("msgid \"a\"\nmsgtxt \"x\"\n"), "xx.po:8: unexpected \"msgtxt\" (expected msgid, msgstr or a quoted string)");
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
    test::write_file(dir.file("sv.po"), "msgid \"\"\nmsgstr \"Language: sv\\nX-Language-Name: Svenska\\n\"\n\nmsgid \"a\"\nmsgstr \"Hej\"\n");
    test::write_file(dir.file("xx.po"), kHeader);
    Translations t = Translations::load(dir.path());
    EXPECT_EQ(t.text("xx", "a"), "Hej");
    EXPECT_THROW(t.require({"a", "b"}, "test"), LoadError);
    test::write_file(dir.file("LINGUAS"), "sv yy\n");
    EXPECT_THROW(Translations::load(dir.path()), LoadError) << "a listed language without a file";
}

}  // namespace
}  // namespace lkp
