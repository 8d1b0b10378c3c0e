#include "indicator_api.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "api.h"
#include "exports.h"
#include "protocol/safe_text.h"
#include "record/utc.h"
#include "tokens.h"

namespace lkp::server {

namespace {

using http::problem;
using http::Reply;
using OrderedJson = nlohmann::ordered_json;
using indicators::CellStatus;
using indicators::Period;

// A bad query parameter or path segment: 400, or 404 for something that does not exist.
struct Refusal {
    Reply reply;
};
[[noreturn]] void bad_request(const std::string& detail) { throw Refusal{problem(400, "Bad request", detail)}; }
[[noreturn]] void not_found(const std::string& detail) { throw Refusal{problem(404, "Not found", detail)}; }

Reply json_reply(const OrderedJson& body) {
    return Reply{.status = 200, .content_type = "application/json; charset=utf-8", .body = body.dump()};
}

std::vector<std::string> split(const std::string& s, char by) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (std::size_t end; (end = s.find(by, at)) != std::string::npos; at = end + 1)
        out.push_back(s.substr(at, end - at));
    out.push_back(s.substr(at));
    return out;
}

OrderedJson number(const std::optional<double>& v) {
    if (!v) return nullptr;
    return *rounded(v);
}

template <typename T>
OrderedJson or_null(const std::optional<T>& v) {
    if (!v) return nullptr;
    return *v;
}

int parse_year(const std::string& text) {
    int year = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
    if (ec != std::errc() || end != text.data() + text.size() || text.size() != 4 || year < 1900 || year > 2999)
        bad_request("year " + sync::quote_input(text) + " is not a year such as 2026");
    return year;
}

// "YYYY-MM-DD" naming a real date.
std::string parse_day(const std::string& name, const std::string& text) {
    static const std::regex shape("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    if (std::regex_match(text, shape)) {
        std::chrono::year_month_day d{std::chrono::year{std::stoi(text.substr(0, 4))},
                                      std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                                      std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
        if (d.ok()) return text;
    }
    bad_request(name + " " + sync::quote_input(text) + " is not a date such as 2026-03-31");
}

std::size_t parse_positive(const std::string& name, const std::string& text, std::size_t max) {
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < 1 || v > max)
        bad_request(name + " " + sync::quote_input(text) + " must be a whole number from 1 to " + std::to_string(max));
    return v;
}

const char* unit_of(const Indicator& ind) {
    if (ind.kind == "share") return "procent";
    if (ind.kind == "index_0_100") return "index 0-100";
    return "medelvärde";
}

// A JSON object written straight as text, member by member. /v1/indicators answers with
// thousands of cells (2 MB for every quarter of every district), and building, copying and
// freeing a tree of nlohmann values for them cost more than the figures themselves.
class ObjectText {
  public:
    explicit ObjectText(std::string& out) : out_(out) { out_ += '{'; }
    void close() { out_ += '}'; }

    ObjectText& text(std::string_view key, std::string_view value) {
        name(key);
        quoted(value);
        return *this;
    }
    ObjectText& text_or_null(std::string_view key, const std::optional<std::string>& value) {
        return value ? text(key, *value) : raw(key, "null");
    }
    ObjectText& number(std::string_view key, const std::optional<double>& value) {  // rounded as everywhere
        if (!value) return raw(key, "null");
        char digits[64];
        return raw(
            key, std::string_view(digits, std::to_chars(digits, digits + sizeof digits, *rounded(value)).ptr - digits));
    }
    ObjectText& integer(std::string_view key, const std::optional<std::int64_t>& value) {
        if (!value) return raw(key, "null");
        char digits[24];
        return raw(key, std::string_view(digits, std::to_chars(digits, digits + sizeof digits, *value).ptr - digits));
    }
    ObjectText& raw(std::string_view key, std::string_view json) {
        name(key);
        out_ += json;
        return *this;
    }

  private:
    void name(std::string_view key) {
        if (out_.back() != '{') out_ += ',';
        quoted(key);
        out_ += ':';
    }
    void quoted(std::string_view s) {  // JSON's escapes; UTF-8 as it is (ours is checked when read)
        out_ += '"';
        for (char ch : s) {
            auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\') {
                out_ += '\\';
                out_ += ch;
            } else if (c < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                out_ += escaped;
            } else {
                out_ += ch;
            }
        }
        out_ += '"';
    }
    std::string& out_;
};

// A cell's figures, null where suppression hid them.
void add_figures(ObjectText& v, const Cell& c) {
    v.number("value", c.value)
        .integer("n", c.n)
        .number("ci_low", c.ci_low)
        .number("ci_high", c.ci_high)
        .text_or_null("first_date", c.first_day)
        .text_or_null("last_date", c.last_day);
}

void add_figures(OrderedJson& v, const Cell& c) {
    v["value"] = number(c.value);
    v["n"] = or_null(c.n);
    v["ci_low"] = number(c.ci_low);
    v["ci_high"] = number(c.ci_high);
    v["first_date"] = or_null(c.first_day);
    v["last_date"] = or_null(c.last_day);
}

// Kolada's value object for one gender, with ours beside Kolada's fields.
OrderedJson kolada_value(const Cell& c) {
    bool has_value = c.status == CellStatus::Shown && c.value.has_value();
    OrderedJson v{{"gender", c.gender}, {"count", has_value ? 1 : 0}, {"status", has_value ? "" : "Missing"}};
    add_figures(v, c);
    v["suppressed"] = c.status == CellStatus::Shown ? OrderedJson(nullptr) : OrderedJson(status_name(c.status));
    return v;
}

// page and per_page of a Kolada request, and the URL of the next page.
struct Paging {
    std::size_t page = 1, per_page = kMaxPerPage;
};
Paging paging(const http::RequestHead& head) {
    Paging p;
    if (auto v = head.query_value("per_page")) p.per_page = parse_positive("per_page", *v, kMaxPerPage);
    if (auto v = head.query_value("page")) p.page = parse_positive("page", *v, 1000000);
    return p;
}

// The envelope: {"values": [...this page...], "count": N, "next_page": URL or null}.
OrderedJson envelope(std::vector<OrderedJson> all, const Paging& p, const http::RequestHead& head) {
    OrderedJson values = OrderedJson::array();
    std::size_t first = (p.page - 1) * p.per_page;
    for (std::size_t i = first; i < all.size() && i < first + p.per_page; ++i) values.push_back(std::move(all[i]));
    OrderedJson out{{"values", values}, {"count", values.size()}};
    if (first + p.per_page < all.size()) {
        std::string next = head.path + "?";
        for (const auto& [k, v] : head.query)
            if (k != "page") next += k + "=" + v + "&";
        out["next_page"] = next + "page=" + std::to_string(p.page + 1);
    } else {
        out["next_page"] = nullptr;
    }
    return out;
}

Period period_of(const std::string& name) {
    try {
        return period_named(name);
    } catch (const std::invalid_argument&) {
        bad_request("period " + sync::quote_input(name) + " must be year, half, quarter or month");
    }
}

}  // namespace

IndicatorApi::IndicatorApi(StoreBackend& backend, const sync::SurveyCatalog& catalog, IndicatorTables& tables,
                           LanguageNames languages)
    : backend_(backend), catalog_(catalog), tables_(tables), languages_(std::move(languages)) {
    if (catalog_.districts) municipality_ = catalog_.districts->municipality;
}

std::optional<http::Route> IndicatorApi::route(const http::RequestHead& head) {
    std::vector<std::string> parts = split(head.path, '/');  // "", "v1", ...
    if (parts.size() < 3 || parts[0] != "" || parts[1] != "v1") return std::nullopt;
    static const std::set<std::string> ours = {"kpi", "municipality", "ou", "oudata", "data", "indicators", "exports"};
    if (!ours.count(parts[2])) return std::nullopt;
    http::Route r;
    if (head.method != "GET") {
        r.answer = problem(405, "Method not allowed", "this resource accepts only GET");
        r.answer->headers.push_back({"Allow", "GET"});
        return r;
    }
    std::vector<std::string> rest(parts.begin() + 3, parts.end());
    std::string what = parts[2];
    if (what == "exports") return export_route(head, rest);
    r.work = [this, what, rest, head](std::string) -> Reply {
        try {
            if (what == "kpi" && rest.size() <= 1)
                return kpis(rest.empty() ? std::nullopt : std::optional(rest[0]), head);
            if (what == "municipality" && rest.size() == 1) return municipality(rest[0]);
            if (what == "ou" && rest.size() <= 1)
                return ous(rest.empty() ? std::nullopt : std::optional(rest[0]), head);
            if (what == "oudata" || what == "data") return data(what, rest, head);
            if (what == "indicators" && rest.empty()) return indicators(head);
            not_found("no such resource");
        } catch (const Refusal& refusal) {
            return refusal.reply;
        } catch (const Unavailable& e) {
            return storage_unavailable(e.what());
        }
    };
    return r;
}

// Staff only: the operator's token, checked from the headers before anything else is done.
http::Route IndicatorApi::export_route(const http::RequestHead& head, const std::vector<std::string>& rest) {
    http::Route r;
    if (rest.size() != 1 || (rest[0] != "indicators" && rest[0] != "responses")) {
        r.answer = problem(404, "Not found", "exports are /v1/exports/indicators and /v1/exports/responses");
        return r;
    }
    std::optional<std::string> token = bearer_token(head), operator_name;
    if (token) {
        try {
            operator_name = backend_.operator_for_token(token_hash(*token));
        } catch (const Unavailable& e) {
            r.answer = storage_unavailable(e.what());
            return r;
        }
    }
    if (!operator_name) {
        r.answer =
            problem(401, "Unauthorized",
                    "exports need an operator's token (lkp-store operator add NAME) as Authorization: Bearer <token>");
        r.answer->headers.push_back({"WWW-Authenticate", "Bearer"});
        return r;
    }
    r.log_note = "operator=" + *operator_name;
    r.work = [this, what = rest[0], head, actor = "operator:" + *operator_name](std::string) -> Reply {
        return export_for(what, head, actor);
    };
    return r;
}

Reply IndicatorApi::export_for(const std::string& what, const http::RequestHead& head, const std::string& actor) {
    try {
        return export_file(what, head, actor);
    } catch (const Refusal& refusal) {
        return refusal.reply;
    } catch (const BadExportRequest& e) {
        return problem(e.status(), e.status() == 404 ? "Not found" : "Bad request", e.what());
    }
}

// The file is made in the temporary folder, opened, and unlinked: it is sent from the open file
// and gone from the disk once sent, whatever happens to the connection.
Reply IndicatorApi::export_file(const std::string& what, const http::RequestHead& head, const std::string& actor) {
    ExportRequest req;
    std::string format = head.query_value("format").value_or("csv");
    auto f = tables::format_named(format);
    if (!f) bad_request("format " + sync::quote_input(format) + " must be csv, xlsx or json");
    req.survey_id = head.query_value("survey").value_or("");
    req.from_day = head.query_value("from").value_or("");
    req.to_day = head.query_value("to").value_or("");
    req.district = head.query_value("district");
    auto flag = [&](const char* name) {
        auto v = head.query_value(name);
        if (v && *v != "0" && *v != "1" && *v != "true" && *v != "false")
            bad_request(std::string(name) + " must be 1 or 0");
        return v && (*v == "1" || *v == "true");
    };
    req.include_flagged = flag("include_flagged");
    req.exact_times = what == "responses" && flag("exact_times");
    if (auto p = head.query_value("period")) req.period = period_of(*p);
    check_export(catalog_, req);

    std::string dir = std::filesystem::temp_directory_path().string();
    std::string path = dir + "/lkp-export-XXXXXX";
    int placeholder = mkstemp(path.data());
    if (placeholder < 0) throw std::runtime_error(dir + ": cannot make a temporary file: " + std::strerror(errno));
    close(placeholder);
    std::string file = path + "." + std::string(tables::format_name(*f));
    unlink(path.c_str());
    {
        auto out = tables::open_writer(*f, file);
        if (what == "indicators")
            export_indicators(tables_, backend_, catalog_, req, *out, actor);
        else
            export_responses(backend_, catalog_, languages_, req, *out, actor);
    }
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    int saved = errno;
    unlink(file.c_str());
    if (fd < 0) throw std::runtime_error(file + ": cannot open the export just written: " + std::strerror(saved));
    static const std::map<tables::Format, std::string> types = {
        {tables::Format::Csv, "text/csv; charset=utf-8"},
        {tables::Format::Xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {tables::Format::Json, "application/json; charset=utf-8"}};
    Reply reply{.status = 200, .content_type = types.at(*f)};
    reply.body_fd = std::shared_ptr<int>(new int(fd), [](int* p) {
        if (*p >= 0) close(*p);
        delete p;
    });
    std::string name = std::string("lkp-") + (what == "indicators" ? "indikatorer" : "svar") + "-" +
                       now_utc().substr(0, 10) + "." + std::string(tables::format_name(*f));
    reply.headers.push_back({"Content-Disposition", "attachment; filename=\"" + name + "\""});
    reply.headers.push_back({"Cache-Control", "no-store"});
    return reply;
}

Reply IndicatorApi::kpis(const std::optional<std::string>& ids, const http::RequestHead& head) {
    std::vector<OrderedJson> all;
    std::set<std::string> wanted, found;
    if (ids)
        for (const auto& id : split(*ids, ',')) wanted.insert(id);
    std::set<std::string> listed;
    // Newest survey versions first, so an indicator is described by the newest file that has it.
    std::vector<const Survey*> surveys;
    for (const Survey& s : catalog_.surveys) surveys.push_back(&s);
    std::sort(surveys.begin(), surveys.end(), [](const Survey* a, const Survey* b) { return a->version > b->version; });
    auto title_filter = head.query_value("title");
    for (const Survey* s : surveys)
        for (const Indicator& ind : s->indicators) {
            if (!listed.insert(ind.id).second) continue;
            if (ids && !wanted.count(ind.id)) continue;
            if (title_filter && ind.title.find(*title_filter) == std::string::npos) continue;
            found.insert(ind.id);
            all.push_back(OrderedJson{{"id", ind.id},
                                      {"title", ind.title},
                                      {"description", ind.about},
                                      {"is_divided_by_gender", 1},
                                      {"has_ou_data", true},
                                      {"municipality_type", "K"},
                                      {"operating_area", "Livskvalitetsprogrammet"},
                                      {"perspective", "Resultat"},
                                      {"publ_period", "löpande"},
                                      {"auspices", "E"},
                                      {"unit", unit_of(ind)},
                                      {"kind", ind.kind},
                                      {"survey_id", s->id},
                                      {"survey_version", s->version},
                                      {"question", ind.question},
                                      {"min_cell", tables_.min_cell()},
                                      {"note", kSampleNote}});
        }
    for (const auto& id : wanted)
        if (!found.count(id)) not_found("no KPI " + sync::quote_input(id));
    return json_reply(envelope(std::move(all), paging(head), head));
}

Reply IndicatorApi::municipality(const std::string& ids) {
    OrderedJson values = OrderedJson::array();
    for (const auto& id : split(ids, ',')) {
        if (id != municipality_ || municipality_.empty())
            not_found("no municipality " + sync::quote_input(id) + " in this store (it has " + municipality_ + ")");
        values.push_back(
            OrderedJson{{"id", municipality_}, {"title", catalog_.districts->municipality_name}, {"type", "K"}});
    }
    return json_reply(OrderedJson{{"values", values}, {"count", values.size()}});
}

Reply IndicatorApi::ous(const std::optional<std::string>& ids, const http::RequestHead& head) {
    if (auto m = head.query_value("municipality"); m && *m != municipality_)
        not_found("no municipality " + sync::quote_input(*m) + " in this store (it has " + municipality_ + ")");
    std::vector<OrderedJson> all;
    std::set<std::string> wanted;
    if (ids)
        for (const auto& id : split(*ids, ',')) {
            if (!catalog_.districts || !catalog_.districts->find(id)) not_found("no OU " + sync::quote_input(id));
            wanted.insert(id);
        }
    auto title_filter = head.query_value("title");
    if (catalog_.districts)
        for (const District& d : catalog_.districts->districts) {
            if (ids && !wanted.count(d.code)) continue;
            if (title_filter && d.name.find(*title_filter) == std::string::npos) continue;
            all.push_back(OrderedJson{{"id", d.code}, {"municipality", municipality_}, {"title", d.name}});
        }
    return json_reply(envelope(std::move(all), paging(head), head));
}

// /v1/oudata/kpi/K/ou/O/year/Y and /v1/data/kpi/K/municipality/M/year/Y, or any two of the three,
// each a comma list.
Reply IndicatorApi::data(const std::string& kind, const std::vector<std::string>& segments,
                         const http::RequestHead& head) {
    const std::string area_key = kind == "oudata" ? "ou" : "municipality";
    if (segments.size() % 2 != 0 || segments.size() < 4 || segments.size() > 6)
        not_found("use /v1/" + kind + "/kpi/ID/" + area_key + "/ID/year/YEAR, or two of the three");
    std::map<std::string, std::vector<std::string>> given;
    for (std::size_t i = 0; i < segments.size(); i += 2) {
        const std::string& key = segments[i];
        if ((key != "kpi" && key != area_key && key != "year") || given.count(key))
            not_found("use /v1/" + kind + "/kpi/ID/" + area_key + "/ID/year/YEAR, or two of the three");
        given[key] = split(segments[i + 1], ',');
    }
    Paging page = paging(head);

    std::vector<std::string> kpis;
    if (given.count("kpi")) {
        for (const auto& k : given["kpi"]) {
            if (!survey_of_indicator(catalog_, k)) not_found("no KPI " + sync::quote_input(k));
            kpis.push_back(k);
        }
    } else {
        std::set<std::string> seen;
        for (const Survey& s : catalog_.surveys)
            for (const Indicator& i : s.indicators)
                if (seen.insert(i.id).second) kpis.push_back(i.id);
    }
    std::set<std::string> areas;  // district codes, or "" for the city
    if (given.count(area_key)) {
        for (const auto& a : given[area_key]) {
            if (kind == "data" && (a != municipality_ || municipality_.empty()))
                not_found("no municipality " + sync::quote_input(a) + " in this store (it has " + municipality_ + ")");
            if (kind == "oudata" && (!catalog_.districts || !catalog_.districts->find(a)))
                not_found("no OU " + sync::quote_input(a));
            areas.insert(kind == "data" ? "" : a);
        }
    }
    std::set<int> years;
    if (given.count("year"))
        for (const auto& y : given["year"]) years.insert(parse_year(y));

    // One table query per survey, over the years asked for (or all).
    std::map<const Survey*, std::set<std::string>> by_survey;
    for (const auto& k : kpis) by_survey[survey_of_indicator(catalog_, k)].insert(k);
    // (kpi, area, period) -> the genders' cells
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<const Cell*>> grouped;
    std::vector<std::vector<Cell>> keep;
    for (const auto& [survey, wanted] : by_survey) {
        IndicatorRequest req{.survey = survey, .period = Period::Year};
        if (!years.empty()) {
            req.from_day = std::to_string(*years.begin()) + "-01-01";
            req.to_day = std::to_string(*years.rbegin()) + "-12-31";
        }
        keep.push_back(tables_.cells(req));
        for (const Cell& c : keep.back()) {
            if (!wanted.count(c.indicator)) continue;
            if (kind == "data" && !c.area.empty()) continue;
            if (kind == "oudata" && c.area.empty()) continue;
            if (!areas.empty() && !areas.count(c.area)) continue;
            if (!years.empty() && !years.count(std::stoi(c.period))) continue;
            grouped[{c.indicator, c.area, c.period}].push_back(&c);
        }
    }
    std::vector<OrderedJson> all;
    for (const auto& [key, cells] : grouped) {
        const auto& [kpi, area, period] = key;
        OrderedJson values = OrderedJson::array();
        for (const Cell* c : cells) values.push_back(kolada_value(*c));
        OrderedJson entry{{"kpi", kpi}};
        entry[area_key] = kind == "data" ? municipality_ : area;
        entry["period"] = std::stoi(period);
        entry["values"] = values;
        all.push_back(std::move(entry));
    }
    return json_reply(envelope(std::move(all), page, head));
}

// Our own route: any period kind, one district or all, with differences.
Reply IndicatorApi::indicators(const http::RequestHead& head) {
    const Survey* survey = nullptr;
    if (auto id = head.query_value("survey")) {
        survey = newest_survey(catalog_, *id);
        if (!survey) not_found("no survey " + sync::quote_input(*id));
    } else if (!(survey = newest_survey(catalog_, ""))) {
        not_found("this store has no survey with indicators");
    }
    IndicatorRequest req{.survey = survey, .period = period_of(head.query_value("period").value_or("year"))};
    std::string from, to;
    if (auto v = head.query_value("from")) from = parse_day("from", *v);
    if (auto v = head.query_value("to")) to = parse_day("to", *v);
    if (!from.empty() && !to.empty() && from > to) bad_request("from " + from + " is after to " + to);
    std::optional<std::string> district;
    if (auto d = head.query_value("district")) {
        if (!catalog_.districts || !catalog_.districts->find(*d)) not_found("no district " + sync::quote_input(*d));
        district = *d;
    }
    // A year more in front, for the difference from the period before the first one.
    if (!from.empty()) req.from_day = std::to_string(std::stoi(from.substr(0, 4)) - 1) + "-01-01";
    req.to_day = to;
    req.district = district;
    std::vector<Cell> cells = tables_.cells(req);

    // Views into `cells`, which outlive both.
    using Key = std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>;
    std::map<Key, const Cell*> index;
    std::map<std::string_view, std::vector<std::string_view>> periods_of;  // indicator -> its periods in order
    for (const Cell& c : cells) {
        index[{c.indicator, c.area, c.gender, c.period}] = &c;
        auto& p = periods_of[c.indicator];
        if (p.empty() || p.back() != c.period) p.push_back(c.period);
    }
    auto previous_of = [&](const Cell& c) -> const Cell* {
        const auto& p = periods_of[c.indicator];
        auto at = std::find(p.begin(), p.end(), c.period);
        if (at == p.begin() || at == p.end()) return nullptr;
        auto found = index.find(Key{c.indicator, c.area, c.gender, *(at - 1)});
        return found == index.end() ? nullptr : found->second;
    };
    auto diff_text = [](const std::optional<Difference>& d) -> std::string {
        if (!d) return "null";
        std::string text;
        ObjectText o(text);
        o.number("difference", d->value).number("ci_low", d->interval.low).number("ci_high", d->interval.high).close();
        return text;
    };
    std::string first_period =
        from.empty() ? ""
                     : indicators::period_label(
                           req.period, std::chrono::year_month_day{
                                           std::chrono::year{std::stoi(from.substr(0, 4))},
                                           std::chrono::month{static_cast<unsigned>(std::stoi(from.substr(5, 2)))},
                                           std::chrono::day{static_cast<unsigned>(std::stoi(from.substr(8, 2)))}});

    std::string values;  // the cells' objects, written as text (see ObjectText)
    std::size_t count = 0;
    for (const Cell& c : cells) {
        if (!first_period.empty() && c.period < first_period) continue;
        if (district && !c.area.empty() && c.area != *district) continue;
        const Indicator* ind = nullptr;
        for (const Indicator& i : survey->indicators)
            if (i.id == c.indicator) ind = &i;
        values += count++ ? ",\n" : "\n";
        ObjectText v(values);
        v.text("indicator", c.indicator);
        if (c.area.empty())
            v.raw("district", "null")
                .text("district_name", catalog_.districts ? catalog_.districts->municipality_name : "");
        else
            v.text("district", c.area).text("district_name", catalog_.districts->find(c.area)->name);
        v.text("gender", c.gender).text("period", c.period).text("status", status_name(c.status));
        add_figures(v, c);
        std::optional<Difference> vs_city, vs_previous;
        if (!c.area.empty())
            if (auto city = index.find(Key{c.indicator, "", c.gender, c.period}); city != index.end())
                vs_city = difference(*survey, *ind, c, *city->second, true);
        if (const Cell* before = previous_of(c)) vs_previous = difference(*survey, *ind, c, *before, false);
        v.raw("vs_city", diff_text(vs_city)).raw("vs_previous", diff_text(vs_previous)).close();
    }

    OrderedJson reference = OrderedJson::array();
    for (const ReferenceSeries& s : backend_.reference_series()) {
        bool ours = false;
        for (const Indicator& i : survey->indicators) ours = ours || i.id == s.indicator;
        if (!ours) continue;
        OrderedJson series_values = OrderedJson::array();
        for (const ReferenceValue& rv : backend_.reference_values(s.kpi))
            series_values.push_back(OrderedJson{{"area", rv.area},
                                                {"period", rv.period},
                                                {"gender", rv.gender},
                                                {"value", or_null(rv.value)},
                                                {"status", rv.status}});
        reference.push_back(OrderedJson{{"kpi", s.kpi},
                                        {"title", s.title},
                                        {"source", s.source},
                                        {"note", s.note},
                                        {"indicator", s.indicator},
                                        {"values", series_values}});
    }

    static const char* kinds[] = {"year", "half", "quarter", "month"};
    std::string body = OrderedJson{{"survey", survey->id},
                                   {"survey_version", survey->version},
                                   {"period", kinds[static_cast<int>(req.period)]},
                                   {"min_cell", tables_.min_cell()},
                                   {"note", kSampleNote},
                                   {"note_en", kSampleNoteEnglish}}
                           .dump();
    body.pop_back();  // its closing brace: the values follow, already written
    body += ",\"values\":[" + values + "\n],\"count\":" + std::to_string(count) + ",\"reference\":" + reference.dump() +
            "}";
    return Reply{.status = 200, .content_type = "application/json; charset=utf-8", .body = std::move(body)};
}

}  // namespace lkp::server
