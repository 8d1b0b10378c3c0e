// lib/tables: files written for real in a temporary folder and read back by readers that share
// nothing with the writers, run as subprocesses (tables_read.py: Python's csv and json modules,
// openpyxl), so that "Excel reads it" is checked by something other than the code that wrote it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "tables/csv_writer.h"
#include "tables/sheet_name.h"
#include "tables/writer.h"

namespace lkp::tables {
namespace {

using Json = nlohmann::ordered_json;  // keeps the order the file has

Json read_back(const std::string& kind, const std::string& file, const std::string& number_columns = "") {
    std::vector<std::string> argv{LKP_PYTHON3, std::string(LKP_SOURCE_DIR) + "/tests/unit/tables_read.py", kind, file};
    if (!number_columns.empty()) argv.push_back(number_columns);
    auto result = test::run(argv);
    if (result.exit_code != 0) {
        ADD_FAILURE() << "tables_read.py " << kind << " failed: " << result.err;
        return Json();
    }
    return Json::parse(result.out);
}

std::vector<std::string> files_in(const std::string& folder) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

template <class F>
std::string error_of(F&& step) {
    try {
        step();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// Every type; the scripts the kiosks show (Swedish, Arabic, Tigrinya); the characters CSV quotes;
// text a spreadsheet would run as a formula; a row of empty cells.
const std::vector<Column> kColumns = {
    {"id", Type::Text},    {"kiosk", Type::Text},   {"datum", Type::Date},    {"inskickad", Type::DateTime},
    {"språk", Type::Text}, {"svar", Type::Integer}, {"andel", Type::Decimal}, {"kommentar", Type::Text}};
const std::string kComment = "Öppet på lördagar; gärna \"längre\"\nTack";

std::vector<std::vector<Cell>> sample_rows() {
    return {
        {"r1", "Kiosk Råå bibliotek", "2024-05-17", "2024-05-17 13:45:00", "sv", std::int64_t{4}, -3.25, kComment},
        {"r2", "العربية", "2024-12-31", "2024-12-31 23:59:59", "ar", std::int64_t{-7}, 0.5, "ትግርኛ"},
        {"@SUM(A1)", "+46701234567", "2025-01-01", "2025-01-01 00:00:00", "-x", std::int64_t{0}, std::int64_t{12},
         "=1+1"},
        {"r4", {}, {}, {}, {}, {}, {}, {}},
    };
}

void write_sample(Writer& writer) {
    writer.begin_table("Svar", kColumns);
    for (const auto& row : sample_rows()) writer.row(row);
}

}  // namespace

void PrintTo(Format format, std::ostream* out) { *out << format_name(format); }  // names test parameters

namespace {

std::string file_name(Format format) { return "x." + std::string(format_name(format)); }

// ---- CSV -------------------------------------------------------------------------------------

TEST(TablesCsv, SwedishExcelFormOnDisk) {
    test::TempDir dir;
    auto path = dir.file("svar.csv");
    auto writer = open_writer(Format::Csv, path);
    write_sample(*writer);
    writer->about({{"Källa", "Kioskenkäten"}});  // CSV holds one table only: left out
    writer->finish();

    std::string raw = test::read_file(path);
    EXPECT_EQ(raw.rfind("\xEF\xBB\xBFid;kiosk;datum;inskickad;språk;svar;andel;kommentar\r\n", 0), 0u);
    EXPECT_TRUE(contains(raw,
                         "\r\nr1;Kiosk Råå bibliotek;2024-05-17;2024-05-17 13:45:00;sv;4;-3,25;\"Öppet på lördagar; "
                         "gärna \"\"längre\"\"\nTack\"\r\n"));
    EXPECT_TRUE(contains(raw, "\r\nr4;;;;;;;\r\n"));
    EXPECT_FALSE(contains(raw, "Källa"));
    // Five lines, each ending CRLF; the comment's own line break is inside quotes.
    EXPECT_EQ(std::count(raw.begin(), raw.end(), '\n'), 6);
    EXPECT_EQ(std::count(raw.begin(), raw.end(), '\r'), 5);
}

TEST(TablesCsv, PythonsCsvReaderGetsTheValuesBack) {
    test::TempDir dir;
    auto path = dir.file("svar.csv");
    auto writer = open_writer(Format::Csv, path);
    write_sample(*writer);
    writer->finish();

    Json rows = read_back("csv", path, "5,6")["rows"];
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0], Json::array({"id", "kiosk", "datum", "inskickad", "språk", "svar", "andel", "kommentar"}));
    EXPECT_EQ(rows[1], Json::array({"r1", "Kiosk Råå bibliotek", "2024-05-17", "2024-05-17 13:45:00", "sv", 4.0, -3.25,
                                    kComment}));
    EXPECT_EQ(rows[2], Json::array({"r2", "العربية", "2024-12-31", "2024-12-31 23:59:59", "ar", -7.0, 0.5, "ትግርኛ"}));
    // Text a spreadsheet would run comes with an apostrophe first, so it is shown as text; numbers
    // keep their minus sign.
    EXPECT_EQ(rows[3], Json::array({"'@SUM(A1)", "'+46701234567", "2025-01-01", "2025-01-01 00:00:00", "'-x", 0.0, 12.0,
                                    "'=1+1"}));
    for (int i : {0, 1, 4, 7}) {
        std::string text = rows[3][i];
        EXPECT_EQ(std::string("=+-@").find(text[0]), std::string::npos) << text;
    }
    EXPECT_EQ(rows[4], Json::array({"r4", "", "", "", "", nullptr, nullptr, ""}));
}

TEST(TablesCsv, DecimalsHaveACommaSixDecimalsAtMostAndNoExponent) {
    auto form = [](double value) {
        std::string out;
        append_csv_decimal(out, value);
        return out;
    };
    EXPECT_EQ(form(-3.25), "-3,25");
    EXPECT_EQ(form(0.5), "0,5");
    EXPECT_EQ(form(12.0), "12");
    EXPECT_EQ(form(1.0 / 3.0), "0,333333");
    EXPECT_EQ(form(2.0 / 3.0), "0,666667");
    EXPECT_EQ(form(1234567.891), "1234567,891");
    EXPECT_EQ(form(1e20), "100000000000000000000");
    EXPECT_EQ(form(2.5e-7), "0");
    EXPECT_EQ(form(-1e-9), "0");
    EXPECT_EQ(form(-0.0), "0");
}

TEST(TablesCsv, TextIsQuotedAndGuardedAgainstFormulas) {
    auto form = [](std::string_view text) {
        std::string out;
        append_csv_text(out, text);
        return out;
    };
    EXPECT_EQ(form("plain text"), "plain text");
    EXPECT_EQ(form(""), "");
    EXPECT_EQ(form("a;b"), "\"a;b\"");
    EXPECT_EQ(form("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(form("two\r\nlines"), "\"two\r\nlines\"");
    EXPECT_EQ(form("=1+1"), "'=1+1");
    EXPECT_EQ(form("+46"), "'+46");
    EXPECT_EQ(form("-x;y"), "\"'-x;y\"");
    EXPECT_EQ(form("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(form("\tx"), "'\tx");
    EXPECT_EQ(form("\rx"), "\"'\rx\"");
    EXPECT_EQ(form("a=b"), "a=b");
}

TEST(TablesCsv, OneTablePerFile) {
    test::TempDir dir;
    auto path = dir.file("x.csv");
    auto writer = open_writer(Format::Csv, path);
    writer->begin_table("A", {{"a", Type::Text}});
    std::string error = error_of([&] { writer->begin_table("B", {{"b", Type::Text}}); });
    EXPECT_TRUE(contains(error, path + ": "));
    EXPECT_TRUE(contains(error, "one table"));
}

// ---- XLSX ------------------------------------------------------------------------------------

TEST(TablesXlsx, OpenpyxlReadsTypedCellsSheetsAndAbout) {
    test::TempDir dir;
    auto path = dir.file("svar.xlsx");
    auto writer = open_writer(Format::Xlsx, path);
    write_sample(*writer);
    writer->begin_table("Andel per stadsdel", {{"stadsdel", Type::Text}, {"andel", Type::Decimal}});
    writer->row({"Centrum", 0.25});
    writer->about({{"Källa", "Kioskenkäten i Helsingborg"}, {"Regel", "Färre än 5 svar visas inte."}});
    writer->finish();

    Json sheets = read_back("xlsx", path)["sheets"];
    ASSERT_EQ(sheets.size(), 3u);
    EXPECT_EQ(sheets[0]["title"], "Svar");
    EXPECT_EQ(sheets[1]["title"], "Andel per stadsdel");
    EXPECT_EQ(sheets[2]["title"], "Om data");
    EXPECT_EQ(sheets[0]["freeze"], "A2");
    EXPECT_EQ(sheets[1]["freeze"], "A2");

    Json rows = sheets[0]["rows"];
    ASSERT_EQ(rows.size(), 5u);
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
        EXPECT_EQ(rows[0][i]["value"], kColumns[i].name);
        EXPECT_EQ(rows[0][i]["type"], "s");
        EXPECT_TRUE(rows[0][i]["bold"]);
    }
    Json r1 = rows[1];
    EXPECT_EQ(r1[0]["value"], "r1");
    EXPECT_EQ(r1[1]["value"], "Kiosk Råå bibliotek");
    EXPECT_EQ(r1[2]["type"], "d");
    EXPECT_EQ(r1[2]["value"], "2024-05-17 00:00:00");
    EXPECT_EQ(r1[2]["format"], "yyyy-mm-dd");
    EXPECT_EQ(r1[3]["type"], "d");
    EXPECT_EQ(r1[3]["value"], "2024-05-17 13:45:00");
    EXPECT_EQ(r1[3]["format"], "yyyy-mm-dd hh:mm:ss");
    EXPECT_EQ(r1[5]["type"], "n");
    EXPECT_EQ(r1[5]["value"], 4);
    EXPECT_EQ(r1[6]["type"], "n");
    EXPECT_EQ(r1[6]["value"], -3.25);
    EXPECT_EQ(r1[7]["type"], "s");
    EXPECT_EQ(r1[7]["value"], kComment);
    EXPECT_FALSE(r1[7]["bold"]);

    Json r2 = rows[2];
    EXPECT_EQ(r2[1]["value"], "العربية");
    EXPECT_EQ(r2[3]["value"], "2024-12-31 23:59:59");
    EXPECT_EQ(r2[5]["value"], -7);
    EXPECT_EQ(r2[6]["value"], 0.5);
    EXPECT_EQ(r2[7]["value"], "ትግርኛ");

    // Formula-like text is a string cell ("s"), not a formula ("f"), exactly as given.
    Json r3 = rows[3];
    for (auto [i, text] :
         std::vector<std::pair<int, std::string>>{{0, "@SUM(A1)"}, {1, "+46701234567"}, {4, "-x"}, {7, "=1+1"}}) {
        EXPECT_EQ(r3[i]["type"], "s") << text;
        EXPECT_EQ(r3[i]["value"], text);
    }
    EXPECT_EQ(r3[6]["value"], 12);

    EXPECT_EQ(rows[4][0]["value"], "r4");
    for (std::size_t i = 1; i < kColumns.size(); ++i) EXPECT_TRUE(rows[4][i].is_null()) << i;

    EXPECT_EQ(sheets[1]["rows"][1][1]["value"], 0.25);

    Json about = sheets[2]["rows"];
    ASSERT_EQ(about.size(), 2u);
    EXPECT_EQ(about[0][0]["value"], "Källa");
    EXPECT_TRUE(about[0][0]["bold"]);
    EXPECT_TRUE(about[0][0]["wrap"]);
    EXPECT_EQ(about[0][1]["value"], "Kioskenkäten i Helsingborg");
    EXPECT_FALSE(about[0][1]["bold"]);
    EXPECT_TRUE(about[0][1]["wrap"]);
    EXPECT_EQ(about[1][1]["value"], "Färre än 5 svar visas inte.");
}

TEST(TablesXlsx, ALongTableGoesOnToMoreSheetsEachWithTheHeader) {
    test::TempDir dir;
    auto path = dir.file("lang.xlsx");
    Options options;
    options.xlsx_rows_per_sheet = 4;  // the header and three rows (Excel's own limit is 1,048,576)
    auto writer = open_writer(Format::Xlsx, path, options);
    writer->begin_table("Svar", {{"nr", Type::Integer}, {"text", Type::Text}});
    for (std::int64_t i = 1; i <= 8; ++i) writer->row({i, "rad " + std::to_string(i)});
    writer->begin_table("Svar 2023/2024: [alla]", {{"nr", Type::Integer}});
    writer->row({std::int64_t{9}});
    writer->about({{"Regel", "Varje blad har rubrikraden."}});
    writer->finish();

    Json sheets = read_back("xlsx", path)["sheets"];
    std::vector<std::string> titles;
    for (const auto& sheet : sheets) titles.push_back(sheet["title"]);
    EXPECT_EQ(titles, (std::vector<std::string>{"Svar", "Svar (2)", "Svar (3)", "Svar 2023_2024_ _alla_", "Om data"}));
    std::int64_t next = 1;
    for (int s = 0; s < 3; ++s) {
        Json rows = sheets[s]["rows"];
        ASSERT_EQ(rows.size(), s < 2 ? 4u : 3u) << titles[s];
        EXPECT_EQ(rows[0][0]["value"], "nr");
        EXPECT_EQ(rows[0][1]["value"], "text");
        EXPECT_TRUE(rows[0][0]["bold"]);
        EXPECT_EQ(sheets[s]["freeze"], "A2");
        for (std::size_t r = 1; r < rows.size(); ++r, ++next) {
            EXPECT_EQ(rows[r][0]["value"], next);
            EXPECT_EQ(rows[r][1]["value"], "rad " + std::to_string(next));
        }
    }
    EXPECT_EQ(next, 9);
}

TEST(TablesXlsx, LibxlsxwritersRefusalIsNamedWithItsCell) {
    test::TempDir dir;
    auto path = dir.file("x.xlsx");
    auto writer = open_writer(Format::Xlsx, path);
    writer->begin_table("Svar", {{"nr", Type::Integer}, {"kommentar", Type::Text}});
    writer->row({std::int64_t{1}, "kort"});
    std::string error = error_of([&] { writer->row({std::int64_t{2}, std::string(32768, 'x')}); });
    EXPECT_TRUE(contains(error, path + ": table \"Svar\", row 2, column \"kommentar\": libxlsxwriter: "));
    EXPECT_TRUE(contains(error, "32,767"));  // Excel's limit for the text of one cell
}

TEST(TablesXlsx, SheetNamesExcelAccepts) {
    EXPECT_EQ(excel_sheet_name("Svar", 1, {}), "Svar");
    EXPECT_EQ(excel_sheet_name("Svar", 2, {}), "Svar (2)");
    EXPECT_EQ(excel_sheet_name("a/b:c*d?e[f]g\\h", 1, {}), "a_b_c_d_e_f_g_h");
    EXPECT_EQ(excel_sheet_name("'citerad'", 1, {}), "citerad");
    EXPECT_EQ(excel_sheet_name("", 1, {}), "Tabell");
    EXPECT_EQ(excel_sheet_name("'''", 1, {}), "Tabell");
    // 31 characters, counted as Excel does (UTF-16): å is one, an emoji two.
    std::string aa;
    for (int i = 0; i < 40; ++i) aa += "å";
    std::string aa31, aa27;
    for (int i = 0; i < 31; ++i) aa31 += "å";
    for (int i = 0; i < 27; ++i) aa27 += "å";
    EXPECT_EQ(excel_sheet_name(aa, 1, {}), aa31);
    EXPECT_EQ(excel_sheet_name(aa, 2, {}), aa27 + " (2)");
    std::string smiles;
    for (int i = 0; i < 20; ++i) smiles += "\U0001F600";
    EXPECT_EQ(excel_sheet_name(smiles, 1, {}).size(), 15u * 4);
    // Names in use, compared as Excel does (case-insensitively), and Excel's reserved "History".
    EXPECT_EQ(excel_sheet_name("Svar", 1, {"SVAR"}), "Svar (2)");
    EXPECT_EQ(excel_sheet_name("Åsa", 1, {"åsa"}), "Åsa (2)");
    EXPECT_EQ(excel_sheet_name("history", 1, {}), "history (2)");
    EXPECT_EQ(excel_sheet_name("Svar", 2, {"Svar", "Svar (2)"}), "Svar (3)");
}

// ---- JSON ------------------------------------------------------------------------------------

TEST(TablesJson, PythonsJsonModuleReadsTablesAndAbout) {
    test::TempDir dir;
    auto path = dir.file("svar.json");
    auto writer = open_writer(Format::Json, path);
    write_sample(*writer);
    writer->begin_table("Tom", {{"a", Type::Text}});
    writer->about({{"Källa", "Kioskenkäten"}, {"Regel", "=inte en formel"}});
    writer->finish();

    Json back = read_back("json", path);
    std::vector<std::string> keys;
    for (const auto& [key, value] : back.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"Svar", "Tom", "about"}));
    Json rows = back["Svar"];
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0], Json::parse(R"({"id": "r1", "kiosk": "Kiosk Råå bibliotek", "datum": "2024-05-17",
        "inskickad": "2024-05-17 13:45:00", "språk": "sv", "svar": 4, "andel": -3.25,
        "kommentar": "Öppet på lördagar; gärna \"längre\"\nTack"})"));
    EXPECT_TRUE(rows[0]["andel"].is_number_float());
    EXPECT_TRUE(rows[0]["svar"].is_number_integer());
    EXPECT_EQ(rows[1]["kiosk"], "العربية");
    EXPECT_EQ(rows[1]["kommentar"], "ትግርኛ");
    EXPECT_EQ(rows[2]["kommentar"], "=1+1");  // data for programs: as given
    EXPECT_EQ(rows[2]["andel"], 12);
    EXPECT_EQ(rows[3], Json::parse(R"({"id": "r4", "kiosk": null, "datum": null, "inskickad": null, "språk": null,
        "svar": null, "andel": null, "kommentar": null})"));
    EXPECT_EQ(back["Tom"], Json::array());
    EXPECT_EQ(back["about"], Json::parse(R"({"Källa": "Kioskenkäten", "Regel": "=inte en formel"})"));
}

TEST(TablesJson, AboutIsNotATableName) {
    test::TempDir dir;
    auto writer = open_writer(Format::Json, dir.file("x.json"));
    EXPECT_TRUE(contains(error_of([&] { writer->begin_table("about", {{"a", Type::Text}}); }), "about"));
}

// ---- Every format ------------------------------------------------------------------------------

class TablesAllFormats : public ::testing::TestWithParam<Format> {};

TEST_P(TablesAllFormats, OnlyThePartialFileExistsWhileWriting) {
    test::TempDir dir;
    auto path = dir.file(file_name(GetParam()));
    auto writer = open_writer(GetParam(), path);
    write_sample(*writer);
    // libxlsxwriter's temporary files beside it are unlinked as soon as they are made.
    auto names = files_in(dir.path());
    ASSERT_EQ(names.size(), 1u);
    EXPECT_EQ(names[0].rfind(file_name(GetParam()) + ".partial-", 0), 0u) << names[0];
    writer->finish();
    EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{file_name(GetParam())});
}

TEST_P(TablesAllFormats, AWriterDestroyedWithoutFinishLeavesNothing) {
    test::TempDir dir;
    auto path = dir.file(file_name(GetParam()));
    {
        auto writer = open_writer(GetParam(), path);
        write_sample(*writer);
    }
    EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST_P(TablesAllFormats, AnOldFileStaysAsItWasUntilFinishReplacesIt) {
    test::TempDir dir;
    auto path = dir.file(file_name(GetParam()));
    test::write_file(path, "old");
    {
        auto writer = open_writer(GetParam(), path);
        write_sample(*writer);
    }
    EXPECT_EQ(test::read_file(path), "old");
    auto writer = open_writer(GetParam(), path);
    write_sample(*writer);
    EXPECT_EQ(test::read_file(path), "old");
    writer->finish();
    EXPECT_NE(test::read_file(path), "old");
    EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{file_name(GetParam())});
}

TEST_P(TablesAllFormats, AFolderThatCannotTakeTheFileIsNamedInTheError) {
    test::TempDir dir;
    std::string missing = dir.file("saknas/" + file_name(GetParam()));
    std::string error = error_of([&] { open_writer(GetParam(), missing); });
    EXPECT_TRUE(contains(error, missing + ": "));
    EXPECT_TRUE(contains(error, std::strerror(ENOENT)));

    test::write_file(dir.file("fil"), "");
    std::string under_a_file = dir.file("fil/" + file_name(GetParam()));
    error = error_of([&] { open_writer(GetParam(), under_a_file); });
    EXPECT_TRUE(contains(error, under_a_file + ": "));
    EXPECT_TRUE(contains(error, std::strerror(ENOTDIR)));
}

TEST_P(TablesAllFormats, AReadOnlyFolderIsNamedInTheError) {
    test::TempDir dir;
    std::string read_only = dir.file("skrivskyddad");
    ASSERT_EQ(::mkdir(read_only.c_str(), 0555), 0);
    if (::access(read_only.c_str(), W_OK) == 0) GTEST_SKIP() << "running as root: a read-only folder takes files";
    std::string in_read_only = read_only + "/" + file_name(GetParam());
    std::string error = error_of([&] { open_writer(GetParam(), in_read_only); });
    EXPECT_TRUE(contains(error, in_read_only + ": "));
    EXPECT_TRUE(contains(error, std::strerror(EACCES)));
}

// RLIMIT_FSIZE stands in for a full disk: a write past it fails (EFBIG) as one at ENOSPC does.
class FileSizeLimit {
  public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        handler_ = ::signal(SIGXFSZ, SIG_IGN);  // else the process is killed instead of write failing
        rlimit lower = saved_;
        lower.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &lower);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        ::signal(SIGXFSZ, handler_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  private:
    rlimit saved_{};
    sighandler_t handler_ = SIG_DFL;
};

TEST_P(TablesAllFormats, AFailedWriteStopsTheFileNamingItAndLeavesNothing) {
    test::TempDir dir;
    auto path = dir.file(file_name(GetParam()));
    std::string error;
    {
        auto writer = open_writer(GetParam(), path);
        writer->begin_table("Svar", kColumns);
        auto row = sample_rows()[0];
        FileSizeLimit limit(256 << 10);
        error = error_of([&] {
            for (int i = 0; i < 20000; ++i) writer->row(row);  // some MB in every format
            writer->finish();
        });
        EXPECT_TRUE(contains(error_of([&] { writer->finish(); }), "an earlier error"));
    }
    EXPECT_TRUE(contains(error, path + ": "));
    EXPECT_TRUE(contains(error, std::strerror(EFBIG)));
    EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST_P(TablesAllFormats, WrongCallsAreRefusedNamingTheFileTableAndColumn) {
    test::TempDir dir;
    auto path = dir.file(file_name(GetParam()));
    auto refused = [&](const std::function<void(Writer&)>& steps) {
        auto writer = open_writer(GetParam(), path);
        std::string error = error_of([&] { steps(*writer); });
        EXPECT_TRUE(contains(error, path + ": "));
        EXPECT_TRUE(contains(error_of([&] { writer->row({}); }), path + ": "));  // it takes nothing more
        return error;
    };
    auto with_cell = [&](std::size_t column, Cell cell) {
        return refused([&](Writer& w) {
            w.begin_table("Svar", kColumns);
            auto row = sample_rows()[0];
            row[column] = std::move(cell);
            w.row(row);
        });
    };

    std::string error = refused([](Writer& w) {
        w.begin_table("Svar", kColumns);
        w.row({"r1", "k", "2024-05-17"});
    });
    EXPECT_TRUE(contains(error, "table \"Svar\", row 1: 3 cells for 8 columns"));

    error = with_cell(5, "fyra");
    EXPECT_TRUE(contains(error, "table \"Svar\", row 1, column \"svar\" (Integer): the cell holds text"));
    EXPECT_TRUE(contains(with_cell(5, 4.5), "column \"svar\" (Integer): the cell holds a decimal"));
    EXPECT_TRUE(contains(with_cell(0, std::int64_t{1}), "column \"id\" (Text): the cell holds a number"));
    EXPECT_TRUE(contains(with_cell(2, "2024-02-30"), "column \"datum\" (Date): the cell is not a date YYYY-MM-DD"));
    EXPECT_TRUE(contains(with_cell(2, "17/5 2024"), "is not a date YYYY-MM-DD"));
    EXPECT_TRUE(contains(with_cell(3, "2024-05-17T13:45:00"), "(DateTime): the cell is not a date and time"));
    EXPECT_TRUE(contains(with_cell(3, "2024-05-17 24:00:00"), "is not a date and time"));
    EXPECT_TRUE(contains(with_cell(6, std::nan("")), "column \"andel\" (Decimal): the cell is not a finite number"));
    EXPECT_TRUE(contains(with_cell(6, "3,5"), "the cell holds text, not a number"));
    EXPECT_TRUE(
        contains(with_cell(7, std::string("ok\xFF")), "column \"kommentar\" (Text): the cell is not valid UTF-8"));
    EXPECT_TRUE(contains(with_cell(7, std::string("a\0b", 3)), "holds a NUL character"));

    EXPECT_TRUE(contains(refused([](Writer& w) { w.row({"x"}); }), "a row before any table began"));
    EXPECT_TRUE(contains(refused([](Writer& w) {
                             w.begin_table("T", {{"a", Type::Text}, {"a", Type::Integer}});
                         }),
                         "two columns named \"a\""));
    EXPECT_TRUE(contains(refused([](Writer& w) { w.begin_table("T", {}); }), "has no columns"));
    EXPECT_TRUE(contains(refused([](Writer& w) {
                             w.about({{"Källa", "a"}, {"Källa", "b"}});
                         }),
                         "\"Källa\" is given twice"));
    EXPECT_TRUE(contains(refused([](Writer& w) {
                             w.begin_table("T", {{"a", Type::Text}});
                             w.finish();
                             w.finish();
                         }),
                         "already finished"));
    EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{file_name(GetParam())});  // the one finished
}

TEST_P(TablesAllFormats, AnIntegerIsAcceptedAsADecimal) {
    test::TempDir dir;
    auto writer = open_writer(GetParam(), dir.file(file_name(GetParam())));
    writer->begin_table("T", {{"d", Type::Decimal}});
    writer->row({std::int64_t{3}});
    writer->row(std::vector<Cell>{Cell{}});
    writer->finish();
}

INSTANTIATE_TEST_SUITE_P(Formats, TablesAllFormats, ::testing::Values(Format::Csv, Format::Xlsx, Format::Json),
                         [](const auto& p) { return std::string(format_name(p.param)); });

TEST(Tables, FormatNames) {
    for (Format format : {Format::Csv, Format::Xlsx, Format::Json})
        EXPECT_EQ(format_named(format_name(format)), format);
    EXPECT_EQ(format_named("XLSX"), std::nullopt);
    EXPECT_EQ(format_named("xls"), std::nullopt);
}

TEST(Tables, RowsPerSheetMustLeaveRoomForARow) {
    test::TempDir dir;
    Options options;
    options.xlsx_rows_per_sheet = 1;
    EXPECT_TRUE(contains(error_of([&] { open_writer(Format::Xlsx, dir.file("x.xlsx"), options); }), "rows per sheet"));
}

}  // namespace
}  // namespace lkp::tables
