#include "stick_export.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "indicators/stockholm_time.h"
#include "record/language_tag.h"
#include "record/utc.h"
#include "tables/writer.h"

namespace lkp {

namespace {

using tables::Cell;
using tables::Column;
using tables::Type;

// Something is mounted at `dir`: it is on another device than its parent, or it is the root.
bool is_mount_point(const std::string& dir) {
    struct stat here {
    }, parent{};
    if (::stat(dir.c_str(), &here) != 0 || ::stat((dir + "/..").c_str(), &parent) != 0) return false;
    return here.st_dev != parent.st_dev || here.st_ino == parent.st_ino;
}

// Kiosk ids are the operator's: keep what every file system takes.
std::string file_safe(const std::string& s) {
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return out.empty() ? "kiosk" : out;
}

std::string stamp(std::chrono::system_clock::time_point now) {
    std::string t = indicators::stockholm_wall_time(now);  // "YYYY-MM-DD HH:MM:SS"
    std::string out;
    for (char c : t) {
        if (c == ' ')
            out += '-';
        else if (c != '-' && c != ':')
            out += c;
    }
    return out;
}

// "2026-11-30 14:05:09" in Stockholm for a stored UTC time; the stored text when it is not one.
std::string local_time(const std::string& utc) {
    auto t = parse_utc(utc);
    return t ? indicators::stockholm_wall_time(*t) : utc;
}

// The answers, in the store's columns (sync/server/exports.cpp) with exact times: this file
// stays with the staff who made it, so it is the kiosk's own record, not a publication.
void write_answers(tables::Writer& out, const ExportContents& c) {
    std::vector<Column> columns = {
        {"id", Type::Text},         {"kiosk", Type::Text}, {"kioskens_område", Type::Text}, {"enkät", Type::Text},
        {"version", Type::Integer}, {"språk", Type::Text}, {"språk_namn", Type::Text},      {"tid", Type::DateTime},
        {"område_kod", Type::Text}, {"område", Type::Text}};
    std::vector<bool> numeric;
    for (const Question& q : c.survey.questions) {
        bool all_numbers = true;
        for (const auto& o : q.scale.options) all_numbers = all_numbers && o.value.is_number_integer();
        numeric.push_back(all_numbers);
        columns.push_back({q.id, all_numbers ? Type::Integer : Type::Text});
    }
    columns.push_back({"flaggor", Type::Text});
    out.begin_table("Svar", columns);
    auto text_or_empty = [](const std::optional<std::string>& v) { return v ? Cell(*v) : Cell(); };
    for (const Response& r : c.responses) {
        std::string language(record::current_language_tag(r.language));
        auto name = c.language_names.find(language);
        const District* d = r.district ? c.districts.find(*r.district) : nullptr;
        std::vector<Cell> cells = {r.id,
                                   r.kiosk_id,
                                   text_or_empty(r.location),
                                   r.survey_id,
                                   std::int64_t{r.survey_version},
                                   language,
                                   name == c.language_names.end() ? Cell() : Cell(name->second),
                                   local_time(r.submitted_at),
                                   text_or_empty(r.district),
                                   d ? Cell(d->name)
                                   : r.district && *r.district == kDistrictOutside
                                       ? Cell(std::string("bor inte i kommunen"))
                                       : Cell()};
        for (std::size_t i = 0; i < c.survey.questions.size(); ++i) {
            const Json* a = r.answer(c.survey.questions[i].id);
            if (!a || a->is_null())
                cells.emplace_back();
            else if (a->is_number_integer())
                cells.push_back(numeric[i] ? Cell(a->get<std::int64_t>()) : Cell(a->dump()));
            else
                cells.push_back(a->is_string() ? a->get<std::string>() : a->dump());
        }
        std::string flags;
        for (const auto& f : r.flags) flags += (flags.empty() ? "" : ",") + f;
        cells.push_back(flags);
        out.row(cells);
    }
}

void write_audit(tables::Writer& out, const ExportContents& c) {
    out.begin_table("Personalhändelser", {{"tid", Type::DateTime}, {"händelse", Type::Text}, {"detalj", Type::Text}});
    for (auto it = c.audit.rbegin(); it != c.audit.rend(); ++it) out.row({local_time(it->at), it->action, it->detail});
}

tables::AboutLines about(const ExportContents& c) {
    return {{"Innehåll", "Alla svar som finns på kiosken " + c.kiosk_id +
                             ", också de som redan har skickats till indikatorlagret, och personallägets händelser."},
            {"Tider",
             "Svensk tid (Europe/Stockholm), exakta: filen kan peka ut en person som sågs vid kiosken. "
             "Hantera den som personuppgifter."},
            {"Flaggor",
             "test: givet i personalens testläge; synthetic: simulerat; burst: ett av många svar på "
             "kort tid. Indikatorerna räknar inte svar med dessa flaggor."}};
}

StickExport::Result result_of(const std::string& message) {
    if (message.find(std::strerror(ENOSPC)) != std::string::npos ||
        message.find(std::strerror(EDQUOT)) != std::string::npos)
        return StickExport::Result::Full;
    if (message.find(std::strerror(EROFS)) != std::string::npos) return StickExport::Result::ReadOnly;
    return StickExport::Result::Failed;
}

}  // namespace

StickExport::Result stick_state(const std::string& dir) {
    if (dir.empty()) return StickExport::Result::NotConfigured;
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return StickExport::Result::NoStick;
    if (!is_mount_point(dir) && ::access((dir + "/" + kExportMarker).c_str(), F_OK) != 0)
        return StickExport::Result::NoStick;
    struct statvfs fs {};
    if (::statvfs(dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY)) return StickExport::Result::ReadOnly;
    if (::access(dir.c_str(), W_OK) != 0)
        return errno == EROFS ? StickExport::Result::ReadOnly : StickExport::Result::Failed;
    return StickExport::Result::Written;
}

StickExport export_to_stick(const std::string& dir, const ExportContents& contents,
                            std::chrono::system_clock::time_point now) {
    StickExport out;
    out.result = stick_state(dir);
    if (out.result == StickExport::Result::Failed) out.detail = dir + ": " + std::strerror(errno);
    if (out.result != StickExport::Result::Written) return out;
    std::string base = "lkp-svar-" + file_safe(contents.kiosk_id) + "-" + stamp(now);
    try {
        // JSON first: it holds everything, the audit too; the CSV is the spreadsheet's copy.
        auto json = tables::open_writer(tables::Format::Json, dir + "/" + base + ".json");
        write_answers(*json, contents);
        write_audit(*json, contents);
        json->about(about(contents));
        json->finish();
        out.json_file = base + ".json";
        auto csv = tables::open_writer(tables::Format::Csv, dir + "/" + base + ".csv");
        write_answers(*csv, contents);
        csv->about({});
        csv->finish();
        out.csv_file = base + ".csv";
        out.answers = static_cast<std::int64_t>(contents.responses.size());
    } catch (const std::exception& e) {
        out.result = result_of(e.what());
        out.detail = e.what();
    }
    return out;
}

}  // namespace lkp
