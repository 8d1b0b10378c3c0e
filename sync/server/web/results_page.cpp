#include "results_page.h"

#include <algorithm>
#include <map>
#include <set>

#include "charts.h"

namespace lkp::server::web {

namespace {

using indicators::CellStatus;
using indicators::Period;

const char* kPeriodNames[] = {"year", "half", "quarter", "month"};

struct BadChoice {
    int status;
    std::string what;
};

// share and index_0_100 run 0-100; a mean runs over its question's numbers (0-10).
Axis axis_of(const Survey& survey, const Indicator& ind) {
    if (ind.kind == "mean")
        if (const Question* q = survey.find_question(ind.question); q && q->scale.max > q->scale.min) {
            double span = q->scale.max - q->scale.min;
            return {static_cast<double>(q->scale.min), static_cast<double>(q->scale.max), span <= 10 ? 2.0 : span / 5};
        }
    return {0, 100, 25};
}
int decimals_of(const Indicator& ind) { return ind.kind == "mean" ? 2 : 1; }

std::string indicator_title(const PageText& t, const Indicator& ind) {
    std::string id = "indicator." + ind.id;
    std::string translated = t(id);
    return translated == id ? ind.title : translated;
}

using CellKey = std::tuple<std::string, std::string, std::string, std::string>;  // indicator, area, gender, period
std::map<CellKey, const Cell*> index_cells(const std::vector<Cell>& cells) {
    std::map<CellKey, const Cell*> out;
    for (const Cell& c : cells) out[{c.indicator, c.area, c.gender, c.period}] = &c;
    return out;
}
const Cell* find(const std::map<CellKey, const Cell*>& index, const std::string& ind, const std::string& area,
                 const std::string& gender, const std::string& period) {
    auto it = index.find({ind, area, gender, period});
    return it == index.end() ? nullptr : it->second;
}
// The kind of a period label ("2026", "2026-H2", "2026-Q3", "2026-07"); nullopt when it is none.
std::optional<Period> period_kind(const std::string& at) {
    auto digits = [&](std::size_t from, std::size_t n) {
        return std::all_of(at.begin() + static_cast<long>(from), at.begin() + static_cast<long>(from + n), ::isdigit);
    };
    if (at.size() == 4 && digits(0, 4)) return Period::Year;
    if (at.size() != 7 || !digits(0, 4) || at[4] != '-') return std::nullopt;
    if (at[5] == 'H' && (at[6] == '1' || at[6] == '2')) return Period::Half;
    if (at[5] == 'Q' && at[6] >= '1' && at[6] <= '4') return Period::Quarter;
    if (digits(5, 2) && at.substr(5) >= "01" && at.substr(5) <= "12") return Period::Month;
    return std::nullopt;
}

bool shown(const Cell* c) { return c && c->status == CellStatus::Shown && c->value; }
bool hidden(const Cell* c) { return c && c->status != CellStatus::Shown; }

std::string select(const std::string& name, const std::string& label,
                   const std::vector<std::pair<std::string, std::string>>& options, const std::string& chosen) {
    std::string h = "<label>" + escape(label) + " <select name=\"" + name + "\">";
    for (const auto& [value, text] : options)
        h += "<option value=\"" + escape(value) + "\"" + (value == chosen ? " selected" : "") + ">" + escape(text) +
             "</option>";
    return h + "</select></label> ";
}

std::string interval_text(const Cell* c, int decimals, const std::string& lang) {
    if (!shown(c) || !c->ci_low || !c->ci_high) return "";
    return format_number(*c->ci_low, decimals, lang) + "–" + format_number(*c->ci_high, decimals, lang);
}

}  // namespace

std::string period_for_people(const std::string& label, const std::string& language) {
    if (label.size() == 7 && label[5] == 'Q') return label.substr(0, 4) + (language == "sv" ? " K" : " Q") + label[6];
    if (label.size() == 7 && label[5] == 'H') return label.substr(0, 4) + " H" + label[6];
    return label;
}

http::Reply ResultsPage::render(const http::RequestHead& head, const std::optional<Viewer>& viewer) {
    PageText t(text_, page_language(text_, head));
    const std::string& lang = t.language();
    try {
        // --- what the URL asks for ---
        std::string survey_id = head.query_value("survey").value_or("");
        const Survey* survey = newest_survey(catalog_, survey_id);
        if (!survey_id.empty() && !survey) throw BadChoice{404, "survey=" + survey_id};
        std::string period_name = head.query_value("period").value_or("year");
        Period period;
        try {
            period = period_named(period_name);
        } catch (const std::invalid_argument&) {
            throw BadChoice{400, "period=" + period_name};
        }
        std::string gender = head.query_value("gender").value_or("T");
        if (gender != "T" && gender != "K" && gender != "M") throw BadChoice{400, "gender=" + gender};
        std::string district = head.query_value("district").value_or("");
        const auto& list = tables_.districts();
        if (!district.empty() && !(list && list->find(district))) throw BadChoice{404, "district=" + district};
        std::string at = head.query_value("at").value_or("");

        std::vector<Cell> cells, quarters;
        if (survey) {
            cells = tables_.cells({survey, period, "", "", false, std::nullopt});
            quarters = period == Period::Quarter
                           ? cells
                           : tables_.cells({survey, Period::Quarter, "", "", false, std::nullopt});
        }
        std::vector<std::string> periods;  // in time order, as cells() gives them
        for (const Cell& c : cells)
            if (c.area.empty() && c.gender == "T" &&
                std::find(periods.begin(), periods.end(), c.period) == periods.end())
                periods.push_back(c.period);
        std::sort(periods.begin(), periods.end());
        // A period of another kind (the form's kind was changed): the newest of this kind.
        if (!at.empty() && !period_kind(at)) throw BadChoice{400, "at=" + at};
        if (at.empty() || period_kind(at) != period) {
            at = periods.empty() ? "" : periods.back();
        } else if (std::find(periods.begin(), periods.end(), at) == periods.end()) {
            throw BadChoice{404, "at=" + at};
        }

        Query query = {{"survey", survey_id},
                       {"period", period_name == "year" ? "" : period_name},
                       {"at", at},
                       {"gender", gender == "T" ? "" : gender},
                       {"district", district}};
        if (head.query_value("lang")) query.emplace_back("lang", lang);

        // --- the form: every choice is a GET parameter ---
        std::string h = "<p class=\"intro\">" + escape(t("results.intro")) + "</p>";
        h += "<form class=\"choose\" method=\"get\" action=\"/\"><fieldset><legend>" + escape(t("results.choose")) +
             "</legend>";
        if (head.query_value("lang")) h += "<input type=\"hidden\" name=\"lang\" value=\"" + escape(lang) + "\">";
        // The survey: a choice only where the store has more than one with indicators.
        std::vector<std::pair<std::string, std::string>> surveys;
        for (const Survey& s : catalog_.surveys)
            if (!s.indicators.empty() &&
                std::none_of(surveys.begin(), surveys.end(), [&](const auto& o) { return o.first == s.id; }))
                surveys.emplace_back(s.id, s.id);
        if (surveys.size() > 1) h += select("survey", t("results.survey"), surveys, survey ? survey->id : "");
        std::vector<std::pair<std::string, std::string>> kinds;
        for (const char* k : kPeriodNames) kinds.emplace_back(k, t(std::string("period.") + k));
        h += select("period", t("results.period_kind"), kinds, period_name);
        std::vector<std::pair<std::string, std::string>> at_options;
        for (auto it = periods.rbegin(); it != periods.rend(); ++it)
            at_options.emplace_back(*it, period_for_people(*it, lang));
        if (!at_options.empty()) h += select("at", t("results.period"), at_options, at);
        h += select("gender", t("results.gender"), {{"T", t("gender.T")}, {"K", t("gender.K")}, {"M", t("gender.M")}},
                    gender);
        std::vector<std::pair<std::string, std::string>> district_options = {{"", t("results.no_district")}};
        if (list)
            for (const District& d : list->districts) district_options.emplace_back(d.code, d.name);
        h += select("district", t("results.district"), district_options, district);
        h += "<button type=\"submit\">" + escape(t("results.show")) + "</button></fieldset></form>";

        if (!survey || periods.empty() || at.empty()) {
            h += "<p class=\"empty\">" + escape(t("results.none_yet")) + "</p>";
        } else {
            auto bars_index = index_cells(cells);
            auto trend_index = index_cells(quarters);
            std::vector<std::string> quarter_list;
            for (const Cell& c : quarters)
                if (c.area.empty() && c.gender == "T") quarter_list.push_back(c.period);
            std::sort(quarter_list.begin(), quarter_list.end());
            quarter_list.erase(std::unique(quarter_list.begin(), quarter_list.end()), quarter_list.end());
            auto series = backend_.reference_series();
            std::string note = "<p class=\"note\">" + escape(t("results.sample_note")) + " " +
                               escape(t.fill("results.suppression_note", {std::to_string(tables_.min_cell())})) +
                               "</p>";
            int chart_no = 0;
            for (const Indicator& ind : survey->indicators) {
                std::string title = indicator_title(t, ind);
                Axis axis = axis_of(*survey, ind);
                int decimals = decimals_of(ind);
                const Cell* city = find(bars_index, ind.id, "", gender, at);
                h += "<section class=\"indicator\" aria-labelledby=\"h-" + escape(ind.id) + "\"><h2 id=\"h-" +
                     escape(ind.id) + "\">" + escape(title) + "</h2>";
                if (shown(city) && city->first_day && city->last_day)
                    h += "<p class=\"span\">" +
                         escape(t.fill("results.answers_between", {*city->first_day, *city->last_day})) + "</p>";

                // Bars per district, the city's line across them.
                BarChart chart;
                chart.id = "bars-" + std::to_string(++chart_no);
                chart.title = t.fill("results.bars_title", {title, period_for_people(at, lang)});
                chart.description =
                    t.fill("results.bars_desc",
                           {shown(city) ? format_number(*city->value, decimals, lang) : t("results.too_few")});
                chart.language = lang;
                chart.axis = axis;
                chart.decimals = decimals;
                chart.city_label = t("results.city");
                chart.too_few_text = t("results.too_few");
                chart.no_answers_text = t("results.no_answers");
                if (shown(city)) chart.city = city->value;
                std::string rows;
                auto table_row = [&](const std::string& name, const std::string& area, const Cell* c) {
                    rows += "<tr data-area=\"" + escape(area) + "\"><th scope=\"row\">" + escape(name) + "</th><td>" +
                            (shown(c) ? format_number(*c->value, decimals, lang)
                                      : escape(hidden(c) ? t("results.too_few") : t("results.no_answers"))) +
                            "</td><td>" + interval_text(c, decimals, lang) + "</td><td>" +
                            (shown(c) && c->n ? std::to_string(*c->n) : "") + "</td></tr>";
                };
                if (list)
                    for (const District& d : list->districts) {
                        const Cell* c = find(bars_index, ind.id, d.code, gender, at);
                        Bar b{d.name};
                        b.highlighted = d.code == district;
                        if (shown(c)) {
                            b.value = c->value;
                            b.low = c->ci_low;
                            b.high = c->ci_high;
                            b.n = c->n;
                        } else {
                            b.suppressed = hidden(c);
                        }
                        chart.bars.push_back(b);
                        table_row(d.name, d.code, c);
                    }
                table_row(t("results.city"), "", city);
                h += "<figure>" + bar_chart_svg(chart) + "<figcaption>" + note + "</figcaption></figure>";
                h += "<details><summary>" + escape(t("results.table")) + "</summary><table id=\"table-" +
                     escape(ind.id) + "\"><caption>" + escape(chart.title) + "</caption><thead><tr><th scope=\"col\">" +
                     escape(t("results.col.area")) + "</th><th scope=\"col\">" + escape(t("results.col.value")) +
                     "</th><th scope=\"col\">" + escape(t("results.col.interval")) + "</th><th scope=\"col\">" +
                     escape(t("results.col.n")) + "</th></tr></thead><tbody>" + rows + "</tbody></table></details>";

                // The trend per quarter: the city, the chosen district, and reference series.
                TrendChart trend;
                trend.id = "trend-" + std::to_string(chart_no);
                trend.title = t.fill("results.trend_title", {title});
                trend.description = t("results.trend_desc");
                trend.language = lang;
                trend.axis = axis;
                trend.decimals = decimals;
                for (const auto& q : quarter_list) trend.periods.push_back(period_for_people(q, lang));
                std::string trend_rows;
                auto add_series = [&](const std::string& name, const std::string& area, TrendSeries::Style style) {
                    TrendSeries s{name, style, {}};
                    for (const auto& q : quarter_list) {
                        const Cell* c = find(trend_index, ind.id, area, gender, q);
                        s.points.push_back({shown(c) ? c->value : std::nullopt, shown(c) ? c->ci_low : std::nullopt,
                                            shown(c) ? c->ci_high : std::nullopt, hidden(c)});
                        trend_rows += "<tr><th scope=\"row\">" + escape(name) + "</th><td>" +
                                      escape(period_for_people(q, lang)) + "</td><td>" +
                                      (shown(c) ? format_number(*c->value, decimals, lang)
                                                : escape(hidden(c) ? t("results.too_few") : t("results.no_answers"))) +
                                      "</td><td>" + interval_text(c, decimals, lang) + "</td><td>" +
                                      (shown(c) && c->n ? std::to_string(*c->n) : "") + "</td></tr>";
                    }
                    trend.series.push_back(std::move(s));
                };
                add_series(t("results.city"), "", TrendSeries::Style::City);
                if (!district.empty() && list)
                    if (const District* d = list->find(district))
                        add_series(d->name, district, TrendSeries::Style::District);
                std::string sources;
                for (const ReferenceSeries& rs : series) {
                    if (rs.indicator != ind.id) continue;
                    // Kolada's yearly value for the municipality, held across that year's quarters.
                    std::map<std::string, double> by_year;
                    for (const ReferenceValue& v : backend_.reference_values(rs.kpi))
                        if (v.value && v.gender == gender && (!list || v.area == list->municipality))
                            by_year[v.period] = *v.value;
                    TrendSeries s{rs.title, TrendSeries::Style::Reference, {}};
                    for (const auto& q : quarter_list) {
                        auto y = by_year.find(q.substr(0, 4));
                        s.points.push_back(
                            {y == by_year.end() ? std::nullopt : std::optional<double>(y->second), {}, {}, false});
                    }
                    for (const auto& [year, value] : by_year)
                        trend_rows += "<tr><th scope=\"row\">" + escape(rs.title) + "</th><td>" + escape(year) +
                                      "</td><td>" + format_number(value, decimals, lang) +
                                      "</td><td></td><td></td></tr>";
                    trend.series.push_back(std::move(s));
                    sources +=
                        "<p class=\"source\">" + escape(t.fill("results.reference", {rs.title, rs.source})) + "</p>";
                }
                if (trend.periods.size() > 1) {
                    h += "<figure>" + trend_chart_svg(trend) + "<figcaption>" + sources + note +
                         "</figcaption></figure>";
                    h += "<details><summary>" + escape(t("results.table")) + "</summary><table><caption>" +
                         escape(trend.title) + "</caption><thead><tr><th scope=\"col\">" +
                         escape(t("results.col.series")) + "</th><th scope=\"col\">" + escape(t("results.col.period")) +
                         "</th><th scope=\"col\">" + escape(t("results.col.value")) + "</th><th scope=\"col\">" +
                         escape(t("results.col.interval")) + "</th><th scope=\"col\">" + escape(t("results.col.n")) +
                         "</th></tr></thead><tbody>" + trend_rows + "</tbody></table></details>";
                }
                h += "</section>";
            }
        }
        return html_reply(200, page_html(t, PageFrame{t("results.title"), "results", "/", query, viewer}, h));
    } catch (const BadChoice& bad) {
        return error_page(t, bad.status, t.fill("error.bad_choice", {bad.what}), viewer);
    }
}

}  // namespace lkp::server::web
