#pragma once
// The checks every format makes the same way, so that a call that is wrong for one format is
// wrong for all of them: order of calls, cell count, cell types, unique names. A format writer
// implements the three hooks and sees only checked input.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tables/writer.h"

namespace lkp::tables {

class WriterBase : public Writer {
  public:
    void begin_table(const std::string& name, std::vector<Column> columns) final;
    void row(const std::vector<Cell>& cells) final;
    void about(const AboutLines& lines) final;
    void finish() final;

  protected:
    explicit WriterBase(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(std::string_view problem) const;  // throws "PATH: problem"
    const std::string& path() const { return path_; }
    const std::string& table_name() const { return table_; }
    const std::vector<Column>& columns() const { return columns_; }
    int tables_begun() const { return tables_; }
    std::uint64_t row_number() const { return rows_; }  // in the current table, from 1

    // A table begins (table_name(), columns() and tables_begun() are already the new table's).
    virtual void start_table() = 0;
    // One row whose cells fit the columns; row_number() is its number.
    virtual void write_row(const std::vector<Cell>& cells) = 0;
    // Writes what remains and commits the file.
    virtual void complete(const AboutLines& about) = 0;

  private:
    void check_usable() const;
    template <class F>
    void guarded(F&& step);

    std::string path_;
    std::string table_;
    std::vector<Column> columns_;
    int tables_ = 0;
    std::uint64_t rows_ = 0;
    AboutLines about_;
    bool finished_ = false, broken_ = false;
};

// The format writers (csv_writer.cpp, xlsx_writer.cpp, json_writer.cpp).
std::unique_ptr<Writer> make_csv_writer(const std::string& path);
std::unique_ptr<Writer> make_xlsx_writer(const std::string& path, std::uint32_t rows_per_sheet);
std::unique_ptr<Writer> make_json_writer(const std::string& path);

}  // namespace lkp::tables
