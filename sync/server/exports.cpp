#include "exports.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "indicators/stockholm_time.h"
#include "indicators/suppression.h"
#include "record/language_tag.h"
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

// The UTC time of Stockholm's midnight at the start of `date`, or that many days after it.
std::string utc_midnight(std::chrono::year_month_day date, int days_after = 0) {
    return format_utc(indicators::stockholm_midnight(
        std::chrono::year_month_day{std::chrono::sys_days{date} + std::chrono::days{days_after}}));
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

// A burst (many answers in quick succession at one kiosk) is still residents' answers: the response
// export counts them, marked in its flags column; only the figures leave them out. Every other
// flag keeps an answer out of both unless asked for.
bool left_out_of_responses(const std::vector<std::string>& flags) {
    for (const auto& f : flags)
        if (f != kBurstFlag && is_flagged(std::vector<std::string>{f})) return true;
    return false;
}

enum class Export { Indicators, Responses };

std::string selection_note(Export what, bool include_flagged) {
    const std::string burst = "burst (många svar i snabb följd vid en kiosk)";
    if (what == Export::Indicators)
        return "; svar märkta test, syntetiska, misstänkta eller " + burst +
               (include_flagged ? " är MED." : " är inte med.");
    return include_flagged ? "; alla svar är med, också de märkta test, syntetiska, misstänkta eller " + burst +
                                 ": se kolumnen flaggor."
                           : "; svar märkta test, syntetiska eller misstänkta är inte med. Svar märkta " + burst +
                                 " är med, märkta i kolumnen flaggor.";
}

tables::AboutLines common_about(const Survey& survey, const ExportRequest& r, std::int64_t min_cell, Export what) {
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
                                selection_note(what, r.include_flagged)},
        {"Skapad", now_utc()},
        {"Kioskens klocka",
         "Svar märkta clock kom från en kiosk vars klocka gick uppenbart fel (mer än en timme fel när svaren "
         "skickades, eller tider mer än ett dygn framåt eller två år bakåt). De är riktiga svar och räknas, men på "
         "den dag lagret tog emot dem (mottagen_datum i svarsfilen), inte på kioskens datum."},
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
                // An older locale folder may still name Lätt svenska by its former tag (record/language_tag.h).
                names[std::string(record::current_language_tag(entry.path().stem().string()))] = name;
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
    tables::AboutLines about = common_about(survey, r, tables.min_cell(), Export::Indicators);
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

namespace {

// The rows of one day, copied out of the database's buffers (a view lives for one row only) into
// one text, until the day is over and they can go out in id order.
class HeldDay {
  public:
    void hold(const StoredRowView& s) {
        std::string_view id = s.row[record::kIdColumn].value_or("");
        std::uint64_t key = 0;  // the id's first 8 bytes as a number: most comparisons end there
        for (std::size_t i = 0; i < 8; ++i) key = key << 8 | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0u);
        held_.push_back({key, spans_.size()});
        spans_.push_back(copy(s.kiosk));
        for (const auto& column : s.row) spans_.push_back(column ? copy(*column) : Span{});
        spans_.push_back(copy(s.received_at));
        spans_.push_back(s.clock_flag ? copy("1") : Span{});
    }

    // Hands each held row to `write` in id order (random UUIDs: the order they were given in
    // would tell the first answer of the day from the last), then forgets them.
    template <class Write>
    void release(Write&& write) {
        auto id_of = [this](const Held& h) { return view(spans_[h.first + 1 + record::kIdColumn]).value_or(""); };
        std::sort(held_.begin(), held_.end(),
                  [&](const Held& a, const Held& b) { return a.key != b.key ? a.key < b.key : id_of(a) < id_of(b); });
        StoredRowView row;
        for (const auto& [key, first] : held_) {
            row.kiosk = view(spans_[first]).value_or("");
            for (std::size_t i = 0; i < record::kRowColumns; ++i) row.row[i] = view(spans_[first + 1 + i]);
            row.received_at = view(spans_[first + 1 + record::kRowColumns]).value_or("");
            row.clock_flag = view(spans_[first + 2 + record::kRowColumns]).has_value();
            write(row);
        }
        held_.clear();
        spans_.clear();
        text_.clear();
    }

  private:
    struct Span {
        std::size_t from = 0, size = 0;
        bool null = true;
    };
    Span copy(std::string_view v) {
        Span s{text_.size(), v.size(), false};
        text_.append(v);
        return s;
    }
    std::optional<std::string_view> view(const Span& s) const {
        if (s.null) return std::nullopt;
        return std::string_view(text_).substr(s.from, s.size);
    }

    std::string text_;
    std::vector<Span> spans_;  // per row: the kiosk, the codec's columns, received_at, the clock flag (null: none)
    struct Held {
        std::uint64_t key;
        std::size_t first;  // where the row's spans begin
    };
    std::vector<Held> held_;
};

// The Stockholm date of a stored UTC time, remembered with its day's UTC bounds: rows come in
// time order, so nearly every row falls in the day of the row before (a comparison of texts
// instead of a conversion; the codec's times compare in time order as text).
class StockholmDays {
  public:
    // "" when the text is not a time.
    const std::string& date_of(std::string_view utc) {
        if (!date_.empty() && utc >= from_ && utc < to_) return date_;
        date_.clear();
        auto t = parse_utc(utc);
        if (!t) return date_;
        auto d = indicators::stockholm_date(*t);
        date_ = indicators::date_text(d);
        from_ = utc_midnight(d);
        to_ = utc_midnight(d, 1);
        return date_;
    }

  private:
    std::string date_, from_, to_;
};

}  // namespace

std::int64_t export_responses(StoreBackend& backend, const sync::SurveyCatalog& catalog, const LanguageNames& languages,
                              const ExportRequest& request, tables::Writer& out, const std::string& actor) {
    const Survey& survey = check_export(catalog, request);
    ExportRequest r = request;
    r.survey_id = survey.id;
    std::vector<Column> columns = {
        {"id", Type::Text},         {"kiosk", Type::Text}, {"kioskens_område", Type::Text}, {"enkät", Type::Text},
        {"version", Type::Integer}, {"språk", Type::Text}, {"språk_namn", Type::Text}};
    columns.push_back(r.exact_times ? Column{"tid", Type::DateTime} : Column{"datum", Type::Date});
    columns.push_back({"område_kod", Type::Text});
    columns.push_back({"område", Type::Text});
    const std::size_t first_answer = columns.size();
    // A question's column is a number when every answer it allows is one.
    std::vector<bool> numeric;
    for (const Question& q : survey.questions) {
        bool all_numbers = true;
        for (const auto& o : q.scale.options) all_numbers = all_numbers && o.value.is_number_integer();
        numeric.push_back(all_numbers);
        columns.push_back({q.id, all_numbers ? Type::Integer : Type::Text});
    }
    columns.push_back({"flaggor", Type::Text});
    // When the store received it (its own clock), cut to the day like `datum` unless exact times
    // are asked for. With the flag "clock" it is what the figures date the answer by.
    columns.push_back(r.exact_times ? Column{"mottagen_tid", Type::DateTime} : Column{"mottagen_datum", Type::Date});
    out.begin_table("Svar", columns);

    ResponseQuery q{.survey_id = survey.id, .district = r.district};
    if (!r.from_day.empty()) q.from_utc = utc_midnight(day_of(r.from_day));
    if (!r.to_day.empty()) q.to_utc = utc_midnight(day_of(r.to_day), 1);  // the day after: `to` is inclusive
    const std::string outside = "bor inte i kommunen";
    std::int64_t rows = 0;
    std::vector<Value> cells;  // reused: its texts are views into the row, valid while it is written
    std::string when, received, joined_flags;
    // One row out; `date` is its Stockholm date when times are cut to the day.
    auto write = [&](const StoredRowView& s, std::string_view date) {
        const record::ResponseView x = record::view_of(s.row);
        joined_flags.clear();
        if (x.flags_json != "[]") {
            std::vector<std::string> flags = record::flags_of(x.flags_json);
            if (!r.include_flagged && left_out_of_responses(flags)) return;
            for (const auto& f : flags) joined_flags.append(joined_flags.empty() ? "" : ",").append(f);
        }
        // The store's mark, not the kiosk's: a real answer, kept in every export.
        if (s.clock_flag) joined_flags.append(joined_flags.empty() ? "" : ",").append(kClockFlag);
        auto text = [](std::optional<std::string_view> v) { return v ? Value(tables::TextView{*v}) : Value(); };
        cells.clear();
        auto language = languages.find(x.language);
        cells.insert(cells.end(),
                     {text(x.id), text(s.kiosk), text(x.location), text(x.survey_id), std::int64_t{x.survey_version},
                      text(x.language), language == languages.end() ? Value() : text(language->second)});
        if (r.exact_times) {
            auto submitted = parse_utc(x.submitted_at);
            if (!submitted) return;  // the store checked it when it arrived
            when = indicators::stockholm_wall_time(*submitted);
            cells.push_back(text(when));
        } else {
            cells.push_back(text(date));
        }
        const District* d =
            x.district && catalog.districts ? catalog.districts->find(std::string(*x.district)) : nullptr;
        cells.push_back(text(x.district));
        cells.push_back(d ? text(d->name) : x.district == kDistrictOutside ? text(outside) : Value());
        cells.resize(first_answer + survey.questions.size());  // declined or unanswered: empty
        std::size_t next = 0;  // answers are stored in survey order: the next question is tried first
        record::for_each_answer(x.answers_json, [&](std::string_view question, const record::StoredAnswer& a) {
            std::size_t i = next < survey.questions.size() && survey.questions[next].id == question ? next : 0;
            while (i < survey.questions.size() && survey.questions[i].id != question) ++i;
            if (i == survey.questions.size()) return;  // not a question of this version
            next = i + 1;
            Value& cell = cells[first_answer + i];
            if (a.kind == record::StoredAnswer::Kind::Integer)
                cell = numeric[i] ? Value(a.integer) : Value(std::to_string(a.integer));
            else if (a.kind != record::StoredAnswer::Kind::Declined)
                cell = std::string(a.text);  // a copy: a view may not outlive this call
        });
        cells.push_back(text(joined_flags));
        received.clear();
        if (auto at = parse_utc(s.received_at))
            received = r.exact_times ? indicators::stockholm_wall_time(*at)
                                     : indicators::date_text(indicators::stockholm_date(*at));
        cells.push_back(received.empty() ? Value() : text(received));
        out.row(cells);
        ++rows;
    };
    if (r.exact_times) {
        backend.for_each_response(q, [&](const StoredRowView& s) { write(s, {}); });
    } else {
        HeldDay day;
        StockholmDays days;
        std::string held_date;
        auto release = [&] { day.release([&](const StoredRowView& s) { write(s, held_date); }); };
        backend.for_each_response(q, [&](const StoredRowView& s) {
            const std::string& date = days.date_of(s.row[record::kSubmittedAtColumn].value_or(""));
            if (date.empty()) return;  // the store checked it when it arrived
            if (date != held_date) {
                release();
                held_date = date;
            }
            day.hold(s);
        });
        release();
    }
    tables::AboutLines about = common_about(survey, r, kDefaultMinCell, Export::Responses);
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
