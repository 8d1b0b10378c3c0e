#include "reference.h"

#include <fstream>
#include <set>
#include <sstream>

#include "protocol/safe_text.h"

namespace lkp::server {

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& where, const std::string& what) {
    throw BadReferenceFile(file + ": " + where + " " + what +
                           " (expected Kolada's data shape: {\"values\": [{\"kpi\", \"municipality\" or \"ou\", "
                           "\"period\", \"values\": [{\"gender\", \"value\", ...}]}]})");
}

}  // namespace

KoladaFile parse_kolada(const std::string& text, const std::string& name) {
    Json root;
    try {
        root = Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw BadReferenceFile(name + ": not JSON (" + e.what() + ")");
    }
    if (!root.is_object() || !root.contains("values") || !root["values"].is_array())
        bad(name, "the top level", "has no \"values\" list");
    KoladaFile out;
    std::set<std::string> seen;
    const Json& entries = root["values"];
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Json& e = entries[i];
        std::string at = "values[" + std::to_string(i) + "]";
        if (!e.is_object()) bad(name, at, "is not an object");
        if (!e.contains("kpi") || !e["kpi"].is_string() || e["kpi"].get<std::string>().empty() ||
            sync::has_control_character(e["kpi"].get<std::string>()))
            bad(name, at + ".kpi", "is missing or not a KPI id");
        std::string area_key = e.contains("municipality") ? "municipality" : "ou";
        if (!e.contains(area_key) || !e[area_key].is_string() || e[area_key].get<std::string>().empty())
            bad(name, at, "has neither \"municipality\" nor \"ou\"");
        std::string period;
        if (e.contains("period") && e["period"].is_number_integer())
            period = std::to_string(e["period"].get<long long>());
        else if (e.contains("period") && e["period"].is_string())
            period = e["period"].get<std::string>();
        if (period.size() != 4 || period.find_first_not_of("0123456789") != std::string::npos)
            bad(name, at + ".period", "is not a year such as 2023");
        if (!e.contains("values") || !e["values"].is_array() || e["values"].empty())
            bad(name, at + ".values", "is missing or empty");
        for (std::size_t k = 0; k < e["values"].size(); ++k) {
            const Json& v = e["values"][k];
            std::string vat = at + ".values[" + std::to_string(k) + "]";
            if (!v.is_object()) bad(name, vat, "is not an object");
            std::string gender = v.contains("gender") && v["gender"].is_string() ? v["gender"].get<std::string>() : "";
            if (gender != "T" && gender != "K" && gender != "M") bad(name, vat + ".gender", "is not T, K or M");
            ReferenceValue rv{.kpi = e["kpi"], .area = e[area_key], .period = period, .gender = gender};
            if (!v.contains("value") || !(v["value"].is_number() || v["value"].is_null()))
                bad(name, vat + ".value", "is missing or not a number (null when Kolada has none)");
            if (v["value"].is_number()) rv.value = v["value"].get<double>();
            if (v.contains("count") && v["count"].is_number_integer()) rv.count = v["count"].get<std::int64_t>();
            if (v.contains("status") && v["status"].is_string()) rv.status = v["status"];
            if (sync::has_control_character(rv.area) || sync::has_control_character(rv.status))
                bad(name, vat, "holds a control character");
            if (!seen.insert(rv.kpi + '\n' + rv.area + '\n' + rv.period + '\n' + rv.gender).second)
                bad(name, vat, "repeats a KPI, area, period and gender given before");
            out.series[rv.kpi].push_back(std::move(rv));
        }
    }
    if (out.series.empty()) bad(name, "the \"values\" list", "is empty");
    return out;
}

KoladaFile read_kolada_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_kolada(text.str(), path);
}

}  // namespace lkp::server
