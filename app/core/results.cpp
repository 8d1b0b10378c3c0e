#include "results.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "atomic_file.h"
#include "json_document.h"

namespace lkp {

namespace {

// Written into every cache file: a file of another shape (an older kiosk's, say) is not read as this one.
constexpr const char* kFormat = "lkp-kiosk results cache 1";

Json figure_to_json(const ResultsFigure& f) {
    return Json{{"value", f.value ? Json(*f.value) : Json(nullptr)},
                {"n", f.n ? Json(*f.n) : Json(nullptr)},
                {"status", f.status}};
}

// Each reader names the place of the first thing wrong, as "rows[2].city.n ...".
struct Reader {
    std::string problem;

    bool fail(const std::string& where, const std::string& what) {
        if (problem.empty()) problem = where + " " + what;
        return false;
    }
    bool text(const Json& obj, const char* key, const std::string& where, std::string& out, bool may_be_empty) {
        auto it = obj.find(key);
        if (it == obj.end() || !it->is_string()) return fail(where + key, "is missing or not a text");
        out = it->get<std::string>();
        if (!may_be_empty && out.empty()) return fail(where + key, "is empty");
        return true;
    }
    bool figure(const Json& obj, const char* key, const std::string& where, ResultsFigure& out) {
        std::string at = where + key;
        auto it = obj.find(key);
        if (it == obj.end() || !it->is_object()) return fail(at, "is missing or not an object");
        const Json& f = *it;
        auto value = f.find("value");
        if (value == f.end() || !(value->is_null() || (value->is_number() && std::isfinite(value->get<double>()))))
            return fail(at + ".value", "is not a number or null");
        if (value->is_number()) out.value = value->get<double>();
        auto n = f.find("n");
        if (n == f.end() || !(n->is_null() || (n->is_number_integer() && n->get<std::int64_t>() >= 0)))
            return fail(at + ".n", "is not a whole number >= 0 or null");
        if (n->is_number_integer()) out.n = n->get<std::int64_t>();
        return text(f, "status", at + ".", out.status, false);
    }
};

}  // namespace

const ResultsRow* ResultsSnapshot::find(const std::string& indicator) const {
    for (const ResultsRow& r : rows)
        if (r.indicator == indicator) return &r;
    return nullptr;
}

std::string results_cache_path(const std::string& data_dir) { return data_dir + "/" + kResultsCacheFile; }

std::string results_to_json(const ResultsSnapshot& s) {
    Json rows = Json::array();
    for (const ResultsRow& r : s.rows)
        rows.push_back(Json{
            {"indicator", r.indicator}, {"district", figure_to_json(r.district)}, {"city", figure_to_json(r.city)}});
    return Json{{"format", kFormat},
                {"survey_id", s.survey_id},
                {"survey_version", s.survey_version},
                {"period_kind", s.period_kind},
                {"period", s.period},
                {"district", s.district},
                {"fetched_at", s.fetched_at},
                {"rows", rows}}
               .dump(1) +
           "\n";
}

std::optional<ResultsSnapshot> results_from_json(const std::string& text, std::string& problem) {
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        problem = "is not JSON (cut short or damaged)";
        return std::nullopt;
    }
    if (!j.is_object()) {
        problem = "is not a JSON object";
        return std::nullopt;
    }
    Reader rd;
    ResultsSnapshot s;
    std::string format;
    if (!rd.text(j, "format", "", format, false)) {
        problem = rd.problem;
        return std::nullopt;
    }
    if (format != kFormat) {
        problem = "has format \"" + format + "\", not \"" + kFormat + "\"";
        return std::nullopt;
    }
    auto version = j.find("survey_version");
    if (version == j.end() || !version->is_number_integer() || version->get<std::int64_t>() < 1 ||
        version->get<std::int64_t>() > 1'000'000)
        rd.fail("survey_version", "is not a whole number from 1");
    else
        s.survey_version = version->get<int>();
    rd.text(j, "survey_id", "", s.survey_id, false) && rd.text(j, "period_kind", "", s.period_kind, false) &&
        rd.text(j, "period", "", s.period, false) && rd.text(j, "district", "", s.district, true) &&
        rd.text(j, "fetched_at", "", s.fetched_at, false);
    auto rows = j.find("rows");
    if (rows == j.end() || !rows->is_array()) {
        rd.fail("rows", "is missing or not a list");
    } else {
        for (std::size_t i = 0; i < rows->size() && rd.problem.empty(); ++i) {
            const Json& r = (*rows)[i];
            std::string at = "rows[" + std::to_string(i) + "]";
            if (!r.is_object()) {
                rd.fail(at, "is not an object");
                break;
            }
            ResultsRow row;
            rd.text(r, "indicator", at + ".", row.indicator, false) &&
                rd.figure(r, "district", at + ".", row.district) && rd.figure(r, "city", at + ".", row.city);
            if (rd.problem.empty() && s.find(row.indicator)) rd.fail(at + ".indicator", "is listed twice");
            s.rows.push_back(std::move(row));
        }
    }
    if (!rd.problem.empty()) {
        problem = rd.problem;
        return std::nullopt;
    }
    return s;
}

void save_results_cache(const std::string& path, const ResultsSnapshot& s) {
    write_file_atomically(path, results_to_json(s));
}

std::optional<ResultsSnapshot> load_results_cache(const std::string& path, const std::string& survey_id,
                                                  int survey_version, std::string& problem) {
    problem.clear();
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno != ENOENT) problem = path + ": cannot be read (" + std::strerror(errno) + "); results not shown";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string why;
    std::optional<ResultsSnapshot> s = results_from_json(text.str(), why);
    if (!s) {
        problem = path + ": ignored, the file " + why;
        return std::nullopt;
    }
    if (s->survey_id != survey_id || s->survey_version != survey_version) {
        problem = path + ": ignored, it holds results of survey " + s->survey_id + " version " +
                  std::to_string(s->survey_version) + ", this kiosk asks " + survey_id + " version " +
                  std::to_string(survey_version);
        return std::nullopt;
    }
    return s;
}

}  // namespace lkp
