#include "csv_writer.h"

#include <array>
#include <charconv>
#include <cstring>

#include "partial_file.h"
#include "writer_base.h"

namespace lkp::tables {

namespace {

// Bytes that make a field need quotes: the separator, the quote, and line ends.
constexpr std::array<bool, 256> needs_quotes = [] {
    std::array<bool, 256> table{};
    table[';'] = table['"'] = table['\r'] = table['\n'] = true;
    return table;
}();

bool starts_like_formula(std::string_view text) {
    if (text.empty()) return false;
    char c = text[0];
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void append_integer(std::string& out, std::int64_t value) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

class CsvWriter final : public WriterBase {
  public:
    explicit CsvWriter(const std::string& path) : WriterBase(path), file_(path) {
        file_.buffer() += "\xEF\xBB\xBF";  // so that Excel reads UTF-8, not the Windows code page
    }

  private:
    void start_table() override {
        if (tables_begun() > 1) fail("a CSV file holds one table, and \"" + table_name() + "\" would be a second");
        std::string& out = file_.buffer();
        for (std::size_t i = 0; i < columns().size(); ++i) {
            if (i) out += ';';
            append_csv_text(out, columns()[i].name);
        }
        out += "\r\n";
    }

    void write_row(const std::vector<Cell>& cells) override {
        std::string& out = file_.buffer();
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i) out += ';';
            const Cell& cell = cells[i];
            if (const auto text = text_in(cell)) {
                // Dates and date-times are checked digits and separators: nothing to quote.
                if (columns()[i].type == Type::Text)
                    append_csv_text(out, *text);
                else
                    out += *text;
            } else if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
                append_integer(out, *integer);
            } else if (const auto* decimal = std::get_if<double>(&cell)) {
                append_csv_decimal(out, *decimal);
            }
        }
        out += "\r\n";
        file_.flush_if_full();
    }

    void complete(const AboutLines&) override { file_.commit(); }

    PartialFile file_;
};

}  // namespace

void append_csv_text(std::string& out, std::string_view text) {
    bool formula = starts_like_formula(text);
    bool quoted = false;
    for (unsigned char c : text)
        if (needs_quotes[c]) {
            quoted = true;
            break;
        }
    if (!formula && !quoted) {
        out += text;
        return;
    }
    if (quoted) out += '"';
    if (formula) out += '\'';
    if (quoted) {
        for (std::size_t from = 0;;) {
            auto quote = text.find('"', from);
            if (quote == std::string_view::npos) {
                out.append(text.substr(from));
                break;
            }
            out.append(text.substr(from, quote + 1 - from));
            out += '"';
            from = quote + 1;
        }
        out += '"';
    } else {
        out += text;
    }
}

void append_csv_decimal(std::string& out, double value) {
    char digits[400];  // the largest double has 309 digits before the point
    char* end = std::to_chars(digits, digits + sizeof digits, value, std::chars_format::fixed, 6).ptr;
    char* point = static_cast<char*>(std::memchr(digits, '.', static_cast<std::size_t>(end - digits)));
    if (point) {
        while (end[-1] == '0') --end;
        if (end[-1] == '.')
            --end;
        else
            *point = ',';
    }
    if (end - digits == 2 && digits[0] == '-' && digits[1] == '0') {  // -0.0000001 rounds to 0, not -0
        out += '0';
        return;
    }
    out.append(digits, end);
}

std::unique_ptr<Writer> make_csv_writer(const std::string& path) { return std::make_unique<CsvWriter>(path); }

}  // namespace lkp::tables
