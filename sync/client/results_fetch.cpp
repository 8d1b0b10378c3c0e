#include "results_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "core/json_document.h"
#include "protocol/safe_text.h"
#include "record/utc.h"

namespace lkp::sync {

namespace {

// Query values are codes (a survey id, a district code); anything else is escaped by libcurl.
std::string query_escaped(const std::string& s) {
    char* escaped = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
    if (!escaped) throw std::bad_alloc();
    std::string out = escaped;
    curl_free(escaped);
    return out;
}

// One cell of the reply as a figure; false when it is not shaped as the store writes cells.
bool figure_of(const Json& cell, ResultsFigure& f) {
    const Json& value = cell.contains("value") ? cell["value"] : Json();
    const Json& n = cell.contains("n") ? cell["n"] : Json();
    if (!(value.is_null() || value.is_number()) || !(n.is_null() || n.is_number_integer())) return false;
    if (!cell.contains("status") || !cell["status"].is_string()) return false;
    f.status = cell["status"].get<std::string>();
    // A value is shown only as the store published it: a hidden cell has none, whatever else it says.
    if (value.is_number() && f.status == "shown") f.value = value.get<double>();
    if (n.is_number_integer() && n.get<std::int64_t>() >= 0 && f.value) f.n = n.get<std::int64_t>();
    return true;
}

}  // namespace

ResultsFetchSettings ResultsFetchSettings::for_kiosk(const SyncSettings& sync, const std::string& survey_id,
                                                     int survey_version, const std::string& district) {
    ResultsFetchSettings s;
    s.store_url = sync.store_url;
    s.tls = sync.tls;
    s.connect_timeout = sync.connect_timeout;
    s.timeout = sync.timeout;
    s.survey_id = survey_id;
    s.survey_version = survey_version;
    s.district = district;
    s.cache_path = results_cache_path(sync.data_dir);
    return s;
}

std::string indicators_request_path(const ResultsFetchSettings& s, int year) {
    std::string path = "/v1/indicators?survey=" + query_escaped(s.survey_id) +
                       "&period=year&from=" + std::to_string(year - 1) + "-01-01";
    if (!s.district.empty()) path += "&district=" + query_escaped(s.district);
    return path;
}

std::optional<ResultsSnapshot> results_from_indicators_reply(const std::string& body,
                                                             const ResultsFetchSettings& settings,
                                                             const std::string& fetched_at, int year,
                                                             std::string& error) {
    Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("values") || !j["values"].is_array()) {
        error = "the store's /v1/indicators answer is not its JSON (no \"values\" list)";
        return std::nullopt;
    }
    std::string survey = j.value("survey", std::string());
    int version =
        j.contains("survey_version") && j["survey_version"].is_number_integer() ? j["survey_version"].get<int>() : 0;
    if (survey != settings.survey_id || version != settings.survey_version) {
        error = "the store publishes survey " + quote_input(survey) + " version " + std::to_string(version) +
                ", this kiosk asks " + settings.survey_id + " version " + std::to_string(settings.survey_version);
        return std::nullopt;
    }

    // indicator -> period -> (district figure, city figure), for everyone (gender T).
    struct Pair {
        std::optional<ResultsFigure> district, city;
    };
    std::vector<std::string> order;
    std::map<std::string, std::map<std::string, Pair>> cells;
    for (const Json& c : j["values"]) {
        if (!c.is_object() || c.value("gender", std::string()) != "T") continue;
        if (!c.contains("indicator") || !c["indicator"].is_string() || !c.contains("period") ||
            !c["period"].is_string()) {
            error = "a cell of the store's answer has no indicator or period";
            return std::nullopt;
        }
        const Json& d = c.contains("district") ? c["district"] : Json();
        bool city = d.is_null();
        if (!city && !(d.is_string() && d.get<std::string>() == settings.district)) continue;
        ResultsFigure f;
        if (!figure_of(c, f)) {
            error = "a cell of the store's answer has no usable value, n or status";
            return std::nullopt;
        }
        std::string ind = c["indicator"].get<std::string>();
        if (!cells.count(ind)) order.push_back(ind);
        Pair& p = cells[ind][c["period"].get<std::string>()];
        (city ? p.city : p.district) = f;
    }
    // The newest period the city has a published figure in, else the newest there is.
    std::string newest, newest_shown;
    for (const auto& [ind, periods] : cells)
        for (const auto& [period, pair] : periods) {
            newest = std::max(newest, period);
            if (pair.city && pair.city->shown()) newest_shown = std::max(newest_shown, period);
        }
    ResultsSnapshot s;
    s.survey_id = survey;
    s.survey_version = version;
    s.period_kind = "year";
    // A store with no answers yet has no cells: an empty snapshot of this year, nothing to show.
    s.period = !newest_shown.empty() ? newest_shown : !newest.empty() ? newest : std::to_string(year);
    s.district = settings.district;
    s.fetched_at = fetched_at;
    ResultsFigure missing{std::nullopt, std::nullopt, "missing"};
    for (const std::string& ind : order) {
        const auto& periods = cells[ind];
        auto it = periods.find(s.period);
        ResultsRow row{ind, missing, missing};
        if (it != periods.end()) {
            row.district = it->second.district.value_or(missing);
            row.city = it->second.city.value_or(missing);
        }
        s.rows.push_back(std::move(row));
    }
    return s;
}

ResultsFetcher::ResultsFetcher(ResultsFetchSettings settings, const std::atomic<bool>* abort)
    : settings_(std::move(settings)),
      http_(settings_.store_url, settings_.tls, settings_.connect_timeout, settings_.timeout, abort) {}

ResultsFetcher::Fetched ResultsFetcher::fetch(std::chrono::steady_clock::time_point now) {
    Fetched out;
    next_ = now + settings_.after_failure;
    auto wall = std::chrono::system_clock::now();
    auto today = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(wall));
    int year = static_cast<int>(today.year());
    HttpReply reply = http_.get(indicators_request_path(settings_, year), {"Accept: application/json"});
    if (reply.status == 0) {
        out.error = "results not fetched: " + reply.error;
        return out;
    }
    if (reply.status != 200) {
        out.error = "results not fetched: the store answered HTTP " + std::to_string(reply.status);
        return out;
    }
    std::string why;
    out.snapshot = results_from_indicators_reply(reply.body, settings_, format_utc(wall), year, why);
    if (!out.snapshot) {
        out.error = "results not used: " + why;
        return out;
    }
    try {
        save_results_cache(settings_.cache_path, *out.snapshot);
    } catch (const std::exception& e) {  // shown anyway; the next start reads the old file
        out.error = "results not cached: " + std::string(e.what());
    }
    next_ = now + settings_.every;
    return out;
}

}  // namespace lkp::sync
