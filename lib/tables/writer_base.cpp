#include "writer_base.h"

#include <stdexcept>

#include "cells.h"

namespace lkp::tables {

Writer::~Writer() = default;

std::optional<std::string_view> text_in(const Cell& cell) {
    if (const auto* text = std::get_if<std::string>(&cell)) return *text;
    if (const auto* view = std::get_if<TextView>(&cell)) return view->text;
    return std::nullopt;
}

std::optional<Format> format_named(std::string_view name) {
    if (name == "csv") return Format::Csv;
    if (name == "xlsx") return Format::Xlsx;
    if (name == "json") return Format::Json;
    return std::nullopt;
}

std::string_view format_name(Format format) {
    switch (format) {
        case Format::Csv:
            return "csv";
        case Format::Xlsx:
            return "xlsx";
        case Format::Json:
            return "json";
    }
    return "?";
}

std::unique_ptr<Writer> open_writer(Format format, const std::string& path, const Options& options) {
    switch (format) {
        case Format::Csv:
            return make_csv_writer(path);
        case Format::Xlsx:
            if (options.xlsx_rows_per_sheet < 2 || options.xlsx_rows_per_sheet > 1'048'576)
                throw std::runtime_error(path +
                                         ": rows per sheet must be 2 to 1048576 (a header and at least one row)");
            return make_xlsx_writer(path, options.xlsx_rows_per_sheet);
        case Format::Json:
            return make_json_writer(path);
    }
    throw std::runtime_error(path + ": unknown format");
}

void WriterBase::fail(std::string_view problem) const { throw std::runtime_error(path_ + ": " + std::string(problem)); }

void WriterBase::check_usable() const {
    if (finished_) fail("the file is already finished");
    if (broken_) fail("an earlier error stopped this file");
}

// Any exception leaves the writer broken: it takes nothing more, and its destructor removes the
// partial file. A caller that meets an error abandons the export rather than writing around it.
template <class F>
void WriterBase::guarded(F&& step) {
    check_usable();
    try {
        step();
    } catch (...) {
        broken_ = true;
        throw;
    }
}

void WriterBase::begin_table(const std::string& name, std::vector<Column> columns) {
    guarded([&] {
        if (const char* problem = text_problem(name)) fail("the table name " + std::string(problem));
        if (columns.empty()) fail("table \"" + name + "\" has no columns");
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (const char* problem = text_problem(columns[i].name))
                fail("table \"" + name + "\": a column name " + problem);
            for (std::size_t j = 0; j < i; ++j)
                if (columns[j].name == columns[i].name)
                    fail("table \"" + name + "\" has two columns named \"" + columns[i].name + "\"");
        }
        table_ = name;
        columns_ = std::move(columns);
        rows_ = 0;
        ++tables_;
        start_table();
    });
}

void WriterBase::row(const std::vector<Cell>& cells) {
    guarded([&] {
        if (tables_ == 0) fail("a row before any table began");
        if (cells.size() != columns_.size())
            fail("table \"" + table_ + "\", row " + std::to_string(rows_ + 1) + ": " + std::to_string(cells.size()) +
                 " cells for " + std::to_string(columns_.size()) + " columns");
        for (std::size_t i = 0; i < cells.size(); ++i)
            if (const char* problem = cell_problem(cells[i], columns_[i].type))
                fail("table \"" + table_ + "\", row " + std::to_string(rows_ + 1) + ", column \"" + columns_[i].name +
                     "\" (" + type_name(columns_[i].type) + "): the cell " + problem);
        ++rows_;
        write_row(cells);
    });
}

void WriterBase::about(const AboutLines& lines) {
    guarded([&] {
        for (const auto& [heading, text] : lines) {
            if (const char* problem = text_problem(heading)) fail(std::string("an about heading ") + problem);
            if (const char* problem = text_problem(text)) fail("the about text of \"" + heading + "\" " + problem);
            for (const auto& earlier : about_)
                if (earlier.first == heading) fail("the about heading \"" + heading + "\" is given twice");
            about_.emplace_back(heading, text);
        }
    });
}

void WriterBase::finish() {
    guarded([&] { complete(about_); });
    finished_ = true;
}

}  // namespace lkp::tables
