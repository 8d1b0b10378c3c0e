#include "response_export.h"

#include <algorithm>

#include "record/language_tag.h"

namespace lkp {

namespace {

std::string csv_field(const std::string& s) {
    // Quote everything that could split a field; also neutralise spreadsheet formulas.
    bool formula = !s.empty() && std::string("=+-@").find(s[0]) != std::string::npos;
    if (!formula && s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    if (formula) out += '\'';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string cell(const Json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace

std::string export_csv(const std::vector<Response>& responses, const Survey* survey) {
    // Question columns: the survey's order first, then any other ids seen (older survey versions).
    std::vector<std::string> columns;
    if (survey)
        for (const auto& q : survey->questions) columns.push_back(q.id);
    for (const auto& r : responses)
        for (const auto& [q, _] : r.answers)
            if (std::find(columns.begin(), columns.end(), q) == columns.end()) columns.push_back(q);

    std::string out = "\xEF\xBB\xBF";
    out += "id,seq,kiosk_id,survey_id,survey_version,location,language,district,started_at,submitted_at,flags";
    for (const auto& c : columns) out += "," + csv_field(c);
    out += "\r\n";
    for (const auto& r : responses) {
        std::string flags;
        for (const auto& f : r.flags) flags += (flags.empty() ? "" : ";") + f;
        out += r.id + "," + std::to_string(r.seq) + "," + csv_field(r.kiosk_id) + "," + csv_field(r.survey_id) + "," +
               std::to_string(r.survey_version) + "," + csv_field(r.location.value_or("")) + "," +
               csv_field(std::string(record::current_language_tag(r.language))) + "," +
               csv_field(r.district.value_or("")) + "," + r.started_at + "," + r.submitted_at + "," + csv_field(flags);
        for (const auto& c : columns) {
            const Json* answer = r.answer(c);
            out += "," + (answer ? csv_field(cell(*answer)) : std::string());
        }
        out += "\r\n";
    }
    return out;
}

// Its own field list, on purpose: an export is for analysts and may change without changing
// what kiosks send (record/response_codec.h), even while the two look alike.
std::string export_json(const std::vector<Response>& responses) {
    using OrderedJson = nlohmann::ordered_json;
    auto or_null = [](const std::optional<std::string>& v) { return v ? OrderedJson(*v) : OrderedJson(nullptr); };
    OrderedJson list = OrderedJson::array();
    for (const auto& r : responses) {
        OrderedJson answers = OrderedJson::object();
        for (const auto& [question, value] : r.answers) answers[question] = value;
        OrderedJson j = OrderedJson::object();
        j["id"] = r.id;
        j["seq"] = r.seq;
        j["kiosk_id"] = r.kiosk_id;
        j["survey_id"] = r.survey_id;
        j["survey_version"] = r.survey_version;
        j["location"] = or_null(r.location);
        j["language"] = std::string(record::current_language_tag(r.language));  // "sv-easy" before issue 12
        j["district"] = or_null(r.district);
        j["answers"] = std::move(answers);
        j["started_at"] = r.started_at;
        j["submitted_at"] = r.submitted_at;
        j["flags"] = r.flags;
        list.push_back(std::move(j));
    }
    return list.dump(2) + "\n";
}

}  // namespace lkp
