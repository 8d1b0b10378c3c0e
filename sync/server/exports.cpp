#include "exports.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "indicators/stockholm_time.h"
#include "indicators/suppression.h"
#include "record/utc.h"

namespace lkp::server {

namespace {

using indicators::CellStatus;
using indicators::Period;
using Value = tables::Cell;
using tables::Column;
using tables::Type;

const char* period_kind_name(Period p) {
    switch (p) {
        case Period::Year:
            return "år";
        case Period::Half:
            return "halvår";
        case Period::Quarter:
            return "kvartal";
        case Period::Month:
            return "månad";
    }
    return "";
}

const char* status_text(CellStatus s) {
    switch (s) {
        case CellStatus::Shown:
            return "";
        case CellStatus::TooFew:
            return "för få svar";
        case CellStatus::Protects:
            return "dold för att skydda en annan cell";
        case CellStatus::NotPublished:
            return "publiceras inte";
    }
    return "";
}

Value text_or_empty(const std::optional<std::string>& v) { return v ? Value(*v) : Value(); }
Value number_or_empty(const std::optional<double>& v) { return v ? Value(*v) : Value(); }

std::chrono::year_month_day day_of(const std::string& text) {
    return std::chrono::year_month_day{std::chrono::year{std::stoi(text.substr(0, 4))},
                                       std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                                       std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
}

std::string describe(const ExportRequest& r) {
    std::string d = "survey=" + r.survey_id;
    if (!r.from_day.empty()) d += " from=" + r.from_day;
    if (!r.to_day.empty()) d += " to=" + r.to_day;
    if (r.district) d += " district=" + *r.district;
    if (r.include_flagged) d += " include_flagged";
    if (r.exact_times) d += " exact_times";
    return d;
}

tables::AboutLines common_about(const Survey& survey, const ExportRequest& r, std::int64_t min_cell) {
    tables::AboutLines lines = {
        {"Källa", "Helsingborgs stad, Livskvalitetsprogrammet: svar från LKP-kioskerna (lkp-store), enkät " +
                      survey.id + " version " + std::to_string(survey.version) + "."},
        {"Urval", kSampleNote},
        {"Tidszon", "Datum och perioder är svenska kalenderdagar (Europe/Stockholm)."},
        {"Röjandekontroll",
         "Celler med färre än " + std::to_string(min_cell) +
             " svar visas inte (värde, n och intervall är tomma), och inte heller de celler som annars skulle "
             "avslöja dem genom subtraktion (totalt minus K och M, staden minus övriga områden, året minus övriga "
             "kvartal)."},
        {"Urvalet i filen", std::string("Från ") + (r.from_day.empty() ? "början" : r.from_day) + " till " +
                                (r.to_day.empty() ? "idag" : r.to_day) +
                                (r.district ? ", område " + *r.district + " och hela staden" : ", alla områden") +
                                (r.include_flagged ? "; svar märkta test, syntetiska eller misstänkta är MED."
                                                   : "; svar märkta test, syntetiska eller misstänkta är inte med.")},
        {"Skapad", now_utc()},
    };
    for (const Indicator& i : survey.indicators) lines.push_back({i.id, i.title + ". " + i.about});
    return lines;
}

}  // namespace

LanguageNames read_language_names(const std::string& locale_dir) {
    LanguageNames names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(locale_dir, ec)) {
        if (entry.path().extension() != ".po") continue;
        std::ifstream in(entry.path());
        const std::string key = "\"X-Language-Name: ";
        for (std::string line; std::getline(in, line) && !line.empty();)  // the header ends at the first blank line
            if (line.rfind(key, 0) == 0) {
                std::string name = line.substr(key.size());
                name = name.substr(0, name.find("\\n"));
                names[entry.path().stem().string()] = name;
            }
    }
    return names;
}

bool is_day(const std::string& text) {
    static const std::regex shape("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    return std::regex_match(text, shape) && day_of(text).ok();
}

const Survey& check_export(const sync::SurveyCatalog& catalog, const ExportRequest& r) {
    const Survey* survey = newest_survey(catalog, r.survey_id);
    if (!survey)
        throw BadExportRequest(404, r.survey_id.empty() ? "no survey file has indicators"
                                                        : "no survey '" + r.survey_id + "' in the survey files");
    for (const auto& [name, day] : {std::pair{"from", r.from_day}, std::pair{"to", r.to_day}})
        if (!day.empty() && !is_day(day))
            throw BadExportRequest(400, std::string(name) + " must be a date such as 2026-03-31");
    if (!r.from_day.empty() && !r.to_day.empty() && r.from_day > r.to_day)
        throw BadExportRequest(400, "from " + r.from_day + " is after to " + r.to_day);
    if (r.district && (!catalog.districts || !catalog.districts->find(*r.district)))
        throw BadExportRequest(404, "no district '" + *r.district + "' in the district list");
    return *survey;
}

std::int64_t export_indicators(IndicatorTables& tables, StoreBackend& backend, const sync::SurveyCatalog& catalog,
                               const ExportRequest& request, tables::Writer& out, const std::string& actor) {
    const Survey& survey = check_export(catalog, request);
    ExportRequest r = request;
    r.survey_id = survey.id;
    out.begin_table("Indikatorer", {{"indikator", Type::Text},
                                    {"titel", Type::Text},
                                    {"serie", Type::Text},
                                    {"källa", Type::Text},
                                    {"periodtyp", Type::Text},
                                    {"period", Type::Text},
                                    {"område_kod", Type::Text},
                                    {"område", Type::Text},
                                    {"kön", Type::Text},
                                    {"värde", Type::Decimal},
                                    {"n", Type::Integer},
                                    {"ki_låg", Type::Decimal},
                                    {"ki_hög", Type::Decimal},
                                    {"status", Type::Text},
                                    {"första_svar", Type::Date},
                                    {"sista_svar", Type::Date}});
    std::map<std::string, const Indicator*> by_id;
    for (const Indicator& i : survey.indicators) by_id[i.id] = &i;
    std::string municipality = catalog.districts ? catalog.districts->municipality : "";
    std::string city = catalog.districts ? catalog.districts->municipality_name : "";
    std::int64_t rows = 0;
    std::vector<Period> kinds = r.period
                                    ? std::vector<Period>{*r.period}
                                    : std::vector<Period>{Period::Year, Period::Half, Period::Quarter, Period::Month};
    for (Period kind : kinds) {
        IndicatorRequest req{.survey = &survey,
                             .period = kind,
                             .from_day = r.from_day,
                             .to_day = r.to_day,
                             .include_flagged = r.include_flagged,
                             .district = r.district};
        for (const Cell& c : tables.cells(req)) {
            if (r.district && !c.area.empty() && c.area != *r.district) continue;
            const District* d = c.area.empty() ? nullptr : catalog.districts->find(c.area);
            out.row({c.indicator, by_id[c.indicator]->title, "kiosk", "LKP-kiosker",
                     std::string(period_kind_name(kind)), c.period, c.area.empty() ? municipality : c.area,
                     d ? d->name : city, c.gender, number_or_empty(rounded(c.value)), c.n ? Value(*c.n) : Value(),
                     number_or_empty(rounded(c.ci_low)), number_or_empty(rounded(c.ci_high)),
                     std::string(status_text(c.status)), text_or_empty(c.first_day), text_or_empty(c.last_day)});
            ++rows;
        }
    }
    // The reference series compared with this survey's indicators, beside the kiosks' own.
    for (const ReferenceSeries& s : backend.reference_series()) {
        if (!by_id.count(s.indicator)) continue;
        for (const ReferenceValue& v : backend.reference_values(s.kpi)) {
            const District* d = catalog.districts ? catalog.districts->find(v.area) : nullptr;
            out.row({s.kpi, s.title, "referens", s.source, "år", v.period, v.area,
                     d ? d->name : (v.area == municipality ? city : v.area), v.gender, number_or_empty(v.value),
                     Value(), Value(), Value(), v.status, Value(), Value()});
            ++rows;
        }
    }
    tables::AboutLines about = common_about(survey, r, tables.min_cell());
    about.push_back({"Kolumner",
                     "värde: andel i procent, index 0-100 eller medelvärde (se indikatorn). n: antal svar. ki_låg och "
                     "ki_hög: 95 % konfidensintervall (Wilson för andelar, Student t för medelvärden och index). kön: "
                     "T alla (även annat kön och ej svarat), K kvinnor, M män. serie 'referens': importerad från "
                     "Kolada, mätt på annat sätt."});
    out.about(about);
    out.finish();
    backend.audit({now_utc(), actor, "export indicators", describe(r) + " rows=" + std::to_string(rows)});
    return rows;
}

std::int64_t export_responses(StoreBackend& backend, const sync::SurveyCatalog& catalog, const LanguageNames& languages,
                              const ExportRequest& request, tables::Writer& out, const std::string& actor) {
    const Survey& survey = check_export(catalog, request);
    ExportRequest r = request;
    r.survey_id = survey.id;
    std::vector<Column> columns = {
        {"id", Type::Text},         {"kiosk", Type::Text}, {"kioskens_område", Type::Text}, {"enkät", Type::Text},
        {"version", Type::Integer}, {"språk", Type::Text}, {"språk_namn", Type::Text}};
    const std::size_t day_column = columns.size();
    columns.push_back(r.exact_times ? Column{"tid", Type::DateTime} : Column{"datum", Type::Date});
    columns.push_back({"område_kod", Type::Text});
    columns.push_back({"område", Type::Text});
    // A question's column is a number when every answer it allows is one.
    std::vector<bool> numeric;
    for (const Question& q : survey.questions) {
        bool all_numbers = true;
        for (const auto& o : q.scale.options) all_numbers = all_numbers && o.value.is_number_integer();
        numeric.push_back(all_numbers);
        columns.push_back({q.id, all_numbers ? Type::Integer : Type::Text});
    }
    columns.push_back({"flaggor", Type::Text});
    out.begin_table("Svar", columns);

    ResponseQuery q{.survey_id = survey.id, .district = r.district};
    if (!r.from_day.empty()) q.from_utc = format_utc(indicators::stockholm_midnight(day_of(r.from_day)));
    if (!r.to_day.empty())
        q.to_utc = format_utc(indicators::stockholm_midnight(
            std::chrono::year_month_day{std::chrono::sys_days{day_of(r.to_day)} + std::chrono::days{1}}));
    std::int64_t rows = 0;
    std::vector<Value> row;
    // Without exact times the rows of one day go out in id order (random UUIDs), not in the order
    // they were given, which would tell the first from the last answer of the day.
    std::vector<std::vector<Value>> day_rows;
    std::string day_of_rows;
    auto flush_day = [&] {
        std::sort(day_rows.begin(), day_rows.end(), [](const auto& a, const auto& b) {
            return std::get<std::string>(a[0]) < std::get<std::string>(b[0]);
        });
        for (const auto& d : day_rows) out.row(d);
        day_rows.clear();
    };
    backend.for_each_response(q, [&](const StoredResponse& s) {
        const Response& x = s.response;
        if (!r.include_flagged && is_flagged(x)) return;
        auto submitted = parse_utc(x.submitted_at);
        if (!submitted) return;  // the store checked it when it arrived
        row.clear();
        auto language = languages.find(x.language);
        row.insert(row.end(), {x.id, s.kiosk, text_or_empty(x.location), x.survey_id, std::int64_t{x.survey_version},
                               x.language, language == languages.end() ? Value() : Value(language->second)});
        if (r.exact_times) {
            row.push_back(indicators::stockholm_wall_time(*submitted));
        } else {
            auto d = indicators::stockholm_date(*submitted);
            char day[16];
            std::snprintf(day, sizeof day, "%04d-%02u-%02u", static_cast<int>(d.year()),
                          static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
            row.push_back(std::string(day));
        }
        const District* d = x.district && catalog.districts ? catalog.districts->find(*x.district) : nullptr;
        row.push_back(text_or_empty(x.district));
        row.push_back(d                                ? Value(d->name)
                      : x.district == kDistrictOutside ? Value(std::string("bor inte i kommunen"))
                                                       : Value());
        for (std::size_t i = 0; i < survey.questions.size(); ++i) {
            const Json* v = x.answer(survey.questions[i].id);
            if (!v || v->is_null())
                row.push_back(Value());
            else if (numeric[i] && v->is_number_integer())
                row.push_back(v->get<std::int64_t>());
            else
                row.push_back(v->is_string() ? v->get<std::string>() : v->dump());
        }
        std::string flags;
        for (const auto& f : x.flags) flags += (flags.empty() ? "" : ",") + f;
        row.push_back(flags);
        ++rows;
        if (r.exact_times) {
            out.row(row);
            return;
        }
        if (std::get<std::string>(row[day_column]) != day_of_rows) {
            flush_day();
            day_of_rows = std::get<std::string>(row[day_column]);
        }
        day_rows.push_back(row);
    });
    flush_day();
    tables::AboutLines about = common_about(survey, r, kDefaultMinCell);
    about.erase(about.begin() + 3);  // raw answers are not tables of figures: no suppression applies
    about.push_back({"Integritet",
                     r.exact_times ? "Filen har exakta tider: den kan peka ut en person som sågs vid kiosken. Hantera "
                                     "den som personuppgifter."
                                   : "Tider är avkortade till datum, så att ingen som sågs vid kiosken kan hittas i "
                                     "filen. Filen har inga token eller adresser."});
    out.about(about);
    out.finish();
    backend.audit({now_utc(), actor, "export responses", describe(r) + " rows=" + std::to_string(rows)});
    return rows;
}

}  // namespace lkp::server
