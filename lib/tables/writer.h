#pragma once
// Tables for people and programs: indicator tables and raw survey responses written as CSV (for
// Swedish Excel), XLSX or JSON, one row at a time, so that a million rows never sit in memory.
// Free of any storage or survey knowledge: the caller names the tables and columns and hands over
// cells. One writer makes one file, and the file appears under its name only when finish() has
// written all of it (see Writer::finish).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lkp::tables {

// What a column holds.
//   Text      any UTF-8 text (no NUL character)
//   Integer   a whole number
//   Decimal   a finite number (an integer cell is accepted too)
//   Date      text "YYYY-MM-DD"
//   DateTime  text "YYYY-MM-DD HH:MM:SS", already in the time zone the reader should see: the
//             writers never convert.
enum class Type { Text, Integer, Decimal, Date, DateTime };

struct Column {
    std::string name;
    Type type = Type::Text;
};

// One cell. std::monostate is an empty cell in any column; text goes in Text, Date and DateTime
// columns, as a std::string or as a TextView of text that the caller keeps alive until row()
// returns (so that a million rows need not copy every text); std::int64_t in Integer (and
// Decimal) columns; double in Decimal columns.
struct TextView {
    std::string_view text;  // a type of its own, so that "abc" still makes a std::string cell
};
using Cell = std::variant<std::monostate, std::string, std::int64_t, double, TextView>;
// The text of a text cell (either kind); nullopt for any other cell.
std::optional<std::string_view> text_in(const Cell& cell);

enum class Format { Csv, Xlsx, Json };

// "csv", "xlsx", "json" (lower case, as on a command line or in a URL); nullopt otherwise.
std::optional<Format> format_named(std::string_view name);
// The name format_named takes, which is also the file name extension.
std::string_view format_name(Format format);

// What a reader needs to know about the tables: definitions, the rule used, notes.
using AboutLines = std::vector<std::pair<std::string, std::string>>;  // (heading, text)

class Writer {
  public:
    Writer() = default;
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    // Without a successful finish() (an exception, an early return) the partial file is removed
    // and the path is left as it was.
    virtual ~Writer();

    // Starts a table; its rows follow. CSV holds exactly one table. Column names are unique.
    virtual void begin_table(const std::string& name, std::vector<Column> columns) = 0;
    // One row of the current table: as many cells as it has columns, each of its column's type.
    virtual void row(const std::vector<Cell>& cells) = 0;
    // Adds (heading, text) pairs, written when the file is finished: in XLSX a last sheet
    // "Om data", in JSON an "about" object; CSV holds one table only and leaves them out (the
    // caller documents it elsewhere). Headings are unique.
    virtual void about(const AboutLines& lines) = 0;
    // Completes the file: it is written to PATH.partial-XXXXXX beside PATH, flushed to disk
    // (fsync) and renamed to PATH, so PATH holds the old file or the whole new one, never part of one.
    virtual void finish() = 0;
};

struct Options {
    // Rows per XLSX sheet, header included: Excel's limit unless lowered (tests do, to stay fast).
    // A longer table goes on to sheets "Name (2)", "Name (3)", ... each with the header again.
    std::uint32_t xlsx_rows_per_sheet = 1'048'576;
};

// A writer of one file at `path`. Every error (the file cannot be created, the disk is full, a
// second table in CSV, a row with the wrong number of cells, a cell of the wrong type) throws
// std::runtime_error naming the path and the problem, for example
// "/mnt/usb/x.csv: cannot write: No space left on device". After an exception the writer takes
// no more rows: destroy it, and nothing is left behind.
//
// CSV, for Swedish Excel: UTF-8 with a byte order mark, ';' between fields, CRLF line ends, a
// field holding ; " CR or LF quoted (RFC 4180, quotes doubled). Decimals with a decimal comma,
// rounded to 6 decimals with trailing zeros dropped and never an exponent (-3,25; 0,333333;
// 1200000); integers as they are; an empty cell for std::monostate. A text cell (or column name)
// that begins with = + - @ TAB or CR gets a leading apostrophe, so that a spreadsheet shows it as
// text instead of running it as a formula (OWASP's advice against CSV injection); numbers are
// never changed (-3,25 stays -3,25).
//
// XLSX (libxlsxwriter in constant memory mode, its temporary files beside `path`): one sheet per
// table under the table's name made acceptable to Excel (31 characters; none of [ ] : * ? / \),
// bold and frozen header row, numbers as numbers, dates as Excel dates shown yyyy-mm-dd and
// yyyy-mm-dd hh:mm:ss (years before 1900, which Excel cannot hold, as text), text as text (never a
// formula).
//
// JSON: {"<table>": [{"<column>": value, ...}, ...], ..., "about": {"<heading>": "<text>", ...}},
// one row per line; numbers as numbers, empty cells null, dates as text. "about" is therefore
// not a table name here.
std::unique_ptr<Writer> open_writer(Format format, const std::string& path, const Options& options = {});

}  // namespace lkp::tables
