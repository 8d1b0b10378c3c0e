// XLSX through libxlsxwriter in constant memory mode: each row goes to a sheet's temporary file as
// it is written, and workbook_close() assembles the zip from them.
//
// libxlsxwriter checks its writes into the zip, but not those into its own temporary files (the
// rows, and the copy of each sheet it makes while closing). So this writer checks the rows' files
// itself (every 65,536 rows and before closing), and before closing that the folder has room for
// that copy; a disk that someone else fills during the close itself can still go unnoticed.
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cells.h"
#include "partial_file.h"
#include "sheet_name.h"
#include "writer_base.h"

namespace lkp::tables {

namespace {

constexpr std::uint32_t kRowsBetweenChecks = 1 << 16;
constexpr const char* kAboutSheet = "Om data";

// A workbook that is abandoned (no workbook_close): lxw_workbook_free leaves the sheets' temporary
// files open (they are already unlinked, so closing them frees their space), so they are closed here.
struct AbandonWorkbook {
    void operator()(lxw_workbook* book) const {
        lxw_worksheet* sheet;
        LXW_FOREACH_WORKSHEET(sheet, book) {
            if (sheet->optimize_tmpfile) std::fclose(sheet->optimize_tmpfile);
            sheet->optimize_tmpfile = nullptr;
        }
        lxw_workbook_free(book);
    }
};

double column_width(const Column& column) {
    if (column.type == Type::Date) return 11;
    if (column.type == Type::DateTime) return 19;
    double characters = 0;
    for (char c : column.name)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
    return std::clamp(characters + 3, 10.0, 40.0);
}

class XlsxWriter final : public WriterBase {
  public:
    XlsxWriter(const std::string& path, std::uint32_t rows_per_sheet)
        : WriterBase(path), file_(path), tmpdir_(file_.folder()), rows_per_sheet_(rows_per_sheet) {
        lxw_workbook_options options{};
        options.constant_memory = LXW_TRUE;
        options.tmpdir = tmpdir_.data();  // beside the file: same disk, and the user's space, not /tmp
        options.use_zip64 = LXW_FALSE;    // turned on before closing if the sheets need it
        book_.reset(workbook_new_opt(file_.partial_path().c_str(), &options));
        if (!book_) fail("libxlsxwriter could not start a workbook");
        header_ = add_format();
        format_set_bold(header_);
        date_ = add_format();
        format_set_num_format(date_, "yyyy-mm-dd");
        date_time_ = add_format();
        format_set_num_format(date_time_, "yyyy-mm-dd hh:mm:ss");
        about_heading_ = add_format();
        format_set_bold(about_heading_);
        format_set_text_wrap(about_heading_);
        format_set_align(about_heading_, LXW_ALIGN_VERTICAL_TOP);
        about_text_ = add_format();
        format_set_text_wrap(about_text_);
        format_set_align(about_text_, LXW_ALIGN_VERTICAL_TOP);
    }

  private:
    void start_table() override {
        if (columns().size() > LXW_COL_MAX)
            fail("table \"" + table_name() + "\" has " + std::to_string(columns().size()) +
                 " columns; an Excel sheet holds " + std::to_string(LXW_COL_MAX));
        part_ = 1;
        open_sheet();
    }

    void write_row(const std::vector<Cell>& cells) override {
        if (sheet_row_ == rows_per_sheet_) {
            ++part_;
            open_sheet();
        }
        for (std::size_t i = 0; i < cells.size(); ++i) {
            auto column = static_cast<lxw_col_t>(i);
            lxw_error error = LXW_NO_ERROR;
            if (const auto text = text_in(cells[i])) {
                error = write_text(column, columns()[i].type, *text);
            } else if (const auto* integer = std::get_if<std::int64_t>(&cells[i])) {
                error = worksheet_write_number(sheet_, sheet_row_, column, static_cast<double>(*integer), nullptr);
            } else if (const auto* decimal = std::get_if<double>(&cells[i])) {
                error = worksheet_write_number(sheet_, sheet_row_, column, *decimal, nullptr);
            }
            if (error != LXW_NO_ERROR)
                fail("table \"" + table_name() + "\", row " + std::to_string(row_number()) + ", column \"" +
                     columns()[i].name + "\": libxlsxwriter: " + lxw_strerror(error));
        }
        ++sheet_row_;
        if (++rows_since_check_ == kRowsBetweenChecks) {
            rows_since_check_ = 0;
            check_sheet_data(sheet_);
        }
    }

    lxw_error write_text(lxw_col_t column, Type type, std::string_view text) {
        if (type != Type::Text) {
            auto d = type == Type::Date ? parse_date(text) : parse_date_time(text);  // checked already
            if (d && d->year >= 1900) {
                lxw_datetime value{d->year, d->month, d->day, d->hour, d->minute, static_cast<double>(d->second)};
                return worksheet_write_datetime(sheet_, sheet_row_, column, &value,
                                                type == Type::Date ? date_ : date_time_);
            }
            // Before 1900 Excel has no dates: the text stays text.
        }
        text_.assign(text);  // libxlsxwriter wants it NUL-terminated
        return worksheet_write_string(sheet_, sheet_row_, column, text_.c_str(), nullptr);
    }

    void complete(const AboutLines& about) override {
        if (!about.empty()) write_about(about);
        lxw_worksheet* sheet;
        LXW_FOREACH_WORKSHEET(sheet, book_.get()) { check_sheet_data(sheet); }
        prepare_close();
        lxw_error error = workbook_close(book_.release());  // frees the workbook, whatever the outcome
        int reason = errno;
        if (error != LXW_NO_ERROR) {
            std::string problem = std::string("cannot assemble the workbook: libxlsxwriter: ") + lxw_strerror(error);
            if (error == LXW_ERROR_CREATING_XLSX_FILE || error == LXW_ERROR_CREATING_TMPFILE ||
                error == LXW_ERROR_ZIP_FILE_OPERATION)
                problem += std::string(" (") + std::strerror(reason) + ")";
            fail(problem);
        }
        file_.commit();
    }

    // A new sheet for part_ of the current table, with the header row.
    void open_sheet() {
        if (sheet_) check_sheet_data(sheet_);
        sheet_ = add_sheet(table_name(), part_);
        worksheet_freeze_panes(sheet_, 1, 0);
        for (std::size_t i = 0; i < columns().size(); ++i) {
            auto column = static_cast<lxw_col_t>(i);
            check(worksheet_set_column(sheet_, column, column, column_width(columns()[i]), nullptr), "a column width");
            check(worksheet_write_string(sheet_, 0, column, columns()[i].name.c_str(), header_),
                  "the header \"" + columns()[i].name + "\"");
        }
        sheet_row_ = 1;
        rows_since_check_ = 0;
    }

    // The last sheet: headings in bold on the left, their texts on the right, both wrapped.
    void write_about(const AboutLines& about) {
        lxw_worksheet* sheet = add_sheet(kAboutSheet, 1);
        check(worksheet_set_column(sheet, 0, 0, 30, about_heading_), "the about sheet's columns");
        check(worksheet_set_column(sheet, 1, 1, 100, about_text_), "the about sheet's columns");
        for (std::size_t i = 0; i < about.size(); ++i) {
            auto row = static_cast<lxw_row_t>(i);
            check(worksheet_write_string(sheet, row, 0, about[i].first.c_str(), about_heading_),
                  "the about heading \"" + about[i].first + "\"");
            check(worksheet_write_string(sheet, row, 1, about[i].second.c_str(), about_text_),
                  "the about text of \"" + about[i].first + "\"");
        }
    }

    lxw_worksheet* add_sheet(const std::string& wanted, int part) {
        std::string name = excel_sheet_name(wanted, part, sheet_names_);
        check(workbook_validate_sheet_name(book_.get(), name.c_str()), "the sheet name \"" + name + "\"");
        errno = 0;
        lxw_worksheet* sheet = workbook_add_worksheet(book_.get(), name.c_str());
        if (!sheet)
            fail("cannot add the sheet \"" + name + "\": libxlsxwriter could not create its temporary file in " +
                 tmpdir_ + (errno ? std::string(": ") + std::strerror(errno) : std::string()));
        sheet_names_.push_back(name);
        return sheet;
    }

    lxw_format* add_format() {
        lxw_format* format = workbook_add_format(book_.get());
        if (!format) fail("libxlsxwriter could not add a cell format (out of memory)");
        return format;
    }

    // The rows libxlsxwriter has written to a sheet's temporary file so far reached the disk.
    void check_sheet_data(lxw_worksheet* sheet) {
        std::FILE* data = sheet->optimize_tmpfile;
        if (!data) return;
        errno = 0;
        if (std::fflush(data) == 0 && !std::ferror(data)) return;
        int reason = errno;
        fail("cannot write the sheet data to a temporary file in " + tmpdir_ + ": " +
             (reason ? std::strerror(reason) : "write error"));
    }

    // Closing copies each sheet's temporary file once more (unchecked, see the top) while the zip
    // grows: make sure the folder has room for the largest copy and for the zip, taken as at most
    // half the sheets' size (sheet XML usually packs to a tenth or less). Sheets or a zip past
    // 4 GB need the zip64 extensions.
    void prepare_close() {
        std::uint64_t total = 0, largest = 0;
        lxw_worksheet* sheet;
        LXW_FOREACH_WORKSHEET(sheet, book_.get()) {
            struct stat status {};
            if (sheet->optimize_tmpfile && ::fstat(::fileno(sheet->optimize_tmpfile), &status) == 0) {
                auto size = static_cast<std::uint64_t>(status.st_size);
                total += size;
                largest = std::max(largest, size);
            }
        }
        if (total > 0xFFFFFFFFull - (64ull << 20)) book_->options.use_zip64 = LXW_TRUE;
        struct statvfs space {};
        if (::statvfs(tmpdir_.c_str(), &space) != 0) return;  // cannot tell: try
        std::uint64_t available = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
        std::uint64_t needed = largest + total / 2 + (1ull << 20);
        if (available < needed)
            fail(std::string("cannot finish: ") + std::strerror(ENOSPC) + " (assembling the workbook needs about " +
                 std::to_string(needed >> 20) + " MB free in " + tmpdir_ + ", " + std::to_string(available >> 20) +
                 " MB are)");
    }

    void check(lxw_error error, const std::string& what) {
        if (error != LXW_NO_ERROR) fail(what + ": libxlsxwriter: " + lxw_strerror(error));
    }

    PartialFile file_;  // declared first: removed (if not committed) after the workbook is freed
    std::string tmpdir_;
    std::unique_ptr<lxw_workbook, AbandonWorkbook> book_;
    lxw_format *header_ = nullptr, *date_ = nullptr, *date_time_ = nullptr;
    lxw_format *about_heading_ = nullptr, *about_text_ = nullptr;
    std::uint32_t rows_per_sheet_;
    std::vector<std::string> sheet_names_;
    std::string text_;  // the text cell being written, NUL-terminated
    lxw_worksheet* sheet_ = nullptr;
    int part_ = 0;
    lxw_row_t sheet_row_ = 0;  // the next row on sheet_
    std::uint32_t rows_since_check_ = 0;
};

}  // namespace

std::unique_ptr<Writer> make_xlsx_writer(const std::string& path, std::uint32_t rows_per_sheet) {
    return std::make_unique<XlsxWriter>(path, rows_per_sheet);
}

}  // namespace lkp::tables
