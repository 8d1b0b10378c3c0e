// JSON: one object of tables, each a list of row objects, one row per line, written as they come.
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "partial_file.h"
#include "writer_base.h"

namespace lkp::tables {

namespace {

// nlohmann-json escapes one value at a time; the document around the values is written here.
std::string json_value(std::string_view text) { return nlohmann::json(text).dump(); }

class JsonWriter final : public WriterBase {
  public:
    explicit JsonWriter(const std::string& path) : WriterBase(path), file_(path) { file_.buffer() += '{'; }

  private:
    void start_table() override {
        if (table_name() == "about") fail("\"about\" names the about object in JSON and cannot also name a table");
        if (!names_.insert(table_name()).second) fail("a second table named \"" + table_name() + "\"");
        std::string& out = file_.buffer();
        out += tables_begun() > 1 ? "\n],\n" : "\n";
        out += json_value(table_name());
        out += ": [";
        keys_.clear();
        for (const auto& column : columns()) keys_.push_back(json_value(column.name) + ": ");
    }

    void write_row(const std::vector<Cell>& cells) override {
        std::string& out = file_.buffer();
        out += row_number() > 1 ? ",\n{" : "\n{";
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i) out += ", ";
            out += keys_[i];
            const Cell& cell = cells[i];
            if (const auto text = text_in(cell)) {
                out += json_value(*text);
            } else if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
                char digits[24];
                out.append(digits, std::to_chars(digits, digits + sizeof digits, *integer).ptr);
            } else if (const auto* decimal = std::get_if<double>(&cell)) {
                out += nlohmann::json(*decimal).dump();  // shortest form that reads back the same double
            } else {
                out += "null";
            }
        }
        out += '}';
        file_.flush_if_full();
    }

    void complete(const AboutLines& about) override {
        std::string& out = file_.buffer();
        if (tables_begun() > 0) out += "\n]";
        if (!about.empty()) {
            out += tables_begun() > 0 ? ",\n\"about\": {" : "\n\"about\": {";
            for (std::size_t i = 0; i < about.size(); ++i) {
                out += i ? ",\n  " : "\n  ";
                out += json_value(about[i].first) + ": " + json_value(about[i].second);
            }
            out += "\n}";
        }
        out += "\n}\n";
        file_.commit();
    }

    PartialFile file_;
    std::set<std::string> names_;
    std::vector<std::string> keys_;  // each column's escaped name and ": "
};

}  // namespace

std::unique_ptr<Writer> make_json_writer(const std::string& path) { return std::make_unique<JsonWriter>(path); }

}  // namespace lkp::tables
