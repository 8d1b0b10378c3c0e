#include "export.h"

#include <algorithm>

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
               std::to_string(r.survey_version) + "," + csv_field(r.location) + "," + csv_field(r.language) + "," +
               csv_field(r.district.value_or("")) + "," + r.started_at + "," + r.submitted_at + "," + csv_field(flags);
        for (const auto& c : columns) {
            auto it = std::find_if(r.answers.begin(), r.answers.end(), [&](const auto& a) { return a.first == c; });
            out += "," + (it == r.answers.end() ? std::string() : csv_field(cell(it->second)));
        }
        out += "\r\n";
    }
    return out;
}

std::string export_json(const std::vector<Response>& responses) {
    Json list = Json::array();
    for (const auto& r : responses) list.push_back(r.to_json());
    return list.dump(2) + "\n";
}

}  // namespace lkp
