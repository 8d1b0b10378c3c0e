#include "batch.h"

#include <algorithm>
#include <cctype>

namespace lkp::sync {

namespace {

using Clock = std::chrono::system_clock;

// nlohmann prefixes its messages with "[json.exception.parse_error.101] "; people need the rest.
std::string without_exception_tag(const std::string& what) {
    auto close = what.find("] ");
    return what.rfind("[json.exception", 0) == 0 && close != std::string::npos ? what.substr(close + 2) : what;
}

// An item problem: which field, and why. Thrown inside check_item, caught per item.
struct ItemProblem {
    std::string field, reason;
};

const Json& require(const Json& item, const char* key) {
    auto it = item.find(key);
    if (it == item.end()) throw ItemProblem{key, "missing"};
    return *it;
}

std::string short_string(const Json& item, const char* key, std::size_t max_len, bool allow_empty = false) {
    const Json& v = require(item, key);
    if (!v.is_string()) throw ItemProblem{key, std::string("must be a string, not ") + v.type_name()};
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() && !allow_empty) throw ItemProblem{key, "must not be empty"};
    if (s.size() > max_len) throw ItemProblem{key, "longer than " + std::to_string(max_len) + " bytes"};
    return s;
}

std::optional<std::string> optional_string(const Json& item, const char* key, std::size_t max_len) {
    if (require(item, key).is_null()) return std::nullopt;
    return short_string(item, key, max_len);
}

std::int64_t integer(const Json& item, const char* key, std::int64_t min, std::int64_t max) {
    const Json& v = require(item, key);
    if (!v.is_number_integer()) throw ItemProblem{key, std::string("must be an integer, not ") + v.type_name()};
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        throw ItemProblem{key, "out of range"};
    auto n = v.get<std::int64_t>();
    if (n < min || n > max) throw ItemProblem{key, v.dump() + " is out of range " + std::to_string(min) + ".." + std::to_string(max)};
    return n;
}

Clock::time_point timestamp(const Json& item, const char* key) {
    std::string s = short_string(item, key, 40);
    auto t = parse_utc(s);
    if (!t) throw ItemProblem{key, "'" + s + "' is not a UTC time like 2026-11-22T10:15:00.000Z"};
    return *t;
}

std::string describe_scale(const Scale& scale) {
    if (scale.kind == Scale::Kind::Numeric)
        return "the scale " + std::to_string(scale.min) + ".." + std::to_string(scale.max) + " or null";
    std::string s = "one of ";
    for (const auto& o : scale.options) s += o.value.dump() + ", ";
    return s + "or null";
}

const char* const kItemFields[] = {"id",       "kiosk_id", "seq",     "survey_id",  "survey_version", "location",
                                   "language", "district", "answers", "started_at", "submitted_at",   "flags"};

Response check_item(const Json& item, const SurveyCatalog& catalog, Clock::time_point now) {
    for (const auto& [key, value] : item.items())
        if (std::find(std::begin(kItemFields), std::end(kItemFields), key) == std::end(kItemFields))
            throw ItemProblem{key, "unknown field"};
    Response r;
    r.id = short_string(item, "id", 36);
    if (!is_uuid(r.id)) throw ItemProblem{"id", "'" + r.id + "' is not a lowercase UUID"};
    r.kiosk_id = short_string(item, "kiosk_id", 64);
    r.seq = integer(item, "seq", 1, INT64_MAX);
    r.survey_id = short_string(item, "survey_id", 64);
    r.survey_version = static_cast<int>(integer(item, "survey_version", 1, 1'000'000));
    const Survey* survey = catalog.find(r.survey_id, r.survey_version);
    if (!survey)
        throw ItemProblem{"survey_id", "the store does not know survey '" + r.survey_id + "' version " +
                                           std::to_string(r.survey_version)};
    r.location = optional_string(item, "location", 64).value_or("");
    r.language = short_string(item, "language", 16);
    if (!std::all_of(r.language.begin(), r.language.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
        throw ItemProblem{"language", "'" + r.language + "' is not a language tag"};
    r.district = optional_string(item, "district", 64);
    if (r.district && catalog.districts && !catalog.districts->is_valid_choice(*r.district))
        throw ItemProblem{"district", "'" + *r.district + "' is not a district of list '" + catalog.districts->list_id + "'"};

    const Json& answers = require(item, "answers");
    if (!answers.is_object()) throw ItemProblem{"answers", std::string("must be an object, not ") + answers.type_name()};
    for (const auto& [key, value] : answers.items())
        if (!survey->find_question(key))
            throw ItemProblem{"answers." + key, "not a question of survey '" + survey->id + "' version " + std::to_string(survey->version)};
    for (const auto& q : survey->questions) {
        auto it = answers.find(q.id);
        if (it == answers.end()) throw ItemProblem{"answers." + q.id, "missing (a declined question is sent as null)"};
        if (!it->is_null() && !q.scale.is_allowed(*it))
            throw ItemProblem{"answers." + q.id, it->dump() + " is not on " + describe_scale(q.scale)};
        r.answers.emplace_back(q.id, *it);
    }

    auto started = timestamp(item, "started_at");
    auto submitted = timestamp(item, "submitted_at");
    if (submitted > now + kMaxClockAhead) throw ItemProblem{"submitted_at", "is in the future: is the kiosk's clock right?"};
    if (submitted < now - kMaxAnswerAge) throw ItemProblem{"submitted_at", "is more than two years old: is the kiosk's clock right?"};
    if (started > submitted || submitted - started > std::chrono::hours(24))
        throw ItemProblem{"started_at", "must be before submitted_at and on the same day"};
    r.started_at = item["started_at"].get<std::string>();
    r.submitted_at = item["submitted_at"].get<std::string>();

    const Json& flags = require(item, "flags");
    if (!flags.is_array() || flags.size() > 8) throw ItemProblem{"flags", "must be an array of at most 8 strings"};
    for (const auto& f : flags) {
        if (!f.is_string() || f.get_ref<const std::string&>().empty() || f.get_ref<const std::string&>().size() > 32)
            throw ItemProblem{"flags", "each flag must be a string of 1 to 32 bytes"};
        r.flags.push_back(f.get<std::string>());
    }
    return r;
}

}  // namespace

const char* to_string(ItemResult::Status s) {
    switch (s) {
        case ItemResult::Status::Created: return "created";
        case ItemResult::Status::Duplicate: return "duplicate";
        case ItemResult::Status::Rejected: return "rejected";
    }
    return "rejected";
}

const Survey* SurveyCatalog::find(const std::string& id, int version) const {
    for (const auto& s : surveys)
        if (s.id == id && s.version == version) return &s;
    return nullptr;
}

std::vector<ParsedItem> parse_batch(std::string_view body, const SurveyCatalog& catalog, Clock::time_point now) {
    Json root;
    try {
        root = Json::parse(body.begin(), body.end());
    } catch (const Json::exception& e) {  // parse_error, and out_of_range for numbers like 9e999
        throw BatchError(400, "Malformed JSON", "the body is not valid UTF-8 JSON: " + without_exception_tag(e.what()));
    }
    if (!root.is_object()) throw BatchError(400, "Not a batch", "the body must be a JSON object with a \"responses\" array");
    auto list = root.find("responses");
    if (list == root.end() || !list->is_array())
        throw BatchError(400, "Not a batch", "the field \"responses\" must be an array of responses");
    if (root.size() != 1) throw BatchError(400, "Not a batch", "a batch has only the field \"responses\"");
    if (list->size() > kMaxBatchItems)
        throw BatchError(413, "Batch too large", "the batch has " + std::to_string(list->size()) +
                                                     " responses; send at most " + std::to_string(kMaxBatchItems) + " per batch");

    std::vector<ParsedItem> out;
    out.reserve(list->size());
    for (const Json& item : *list) {
        ParsedItem p;
        if (!item.is_object()) {
            p.reason = "each response must be a JSON object";
            out.push_back(std::move(p));
            continue;
        }
        if (auto id = item.find("id"); id != item.end() && id->is_string()) p.id = id->get<std::string>();
        try {
            p.response = check_item(item, catalog, now);
        } catch (const ItemProblem& problem) {
            p.field = problem.field;
            p.reason = problem.reason;
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::string encode_batch(const std::vector<Response>& responses) {
    Json list = Json::array();
    for (const auto& r : responses) list.push_back(r.to_json());
    return Json{{"responses", std::move(list)}}.dump();
}

std::string encode_results(const std::string& batch_key, const std::vector<ItemResult>& results) {
    Json list = Json::array();
    std::int64_t counts[3] = {0, 0, 0};
    for (const auto& r : results) {
        Json j{{"id", r.id}, {"status", to_string(r.status)}};
        if (r.status == ItemResult::Status::Rejected) {
            j["code"] = r.code;
            j["field"] = r.field;
            j["reason"] = r.reason;
        }
        ++counts[static_cast<int>(r.status)];
        list.push_back(std::move(j));
    }
    return Json{{"batch", batch_key},
                {"results", std::move(list)},
                {"created", counts[0]},
                {"duplicate", counts[1]},
                {"rejected", counts[2]}}
        .dump();
}

std::vector<ItemResult> parse_results(std::string_view body, const std::vector<std::string>& sent_ids) {
    Json root = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) throw std::runtime_error("the store's answer is not JSON (truncated, or not from the store)");
    auto list = root.is_object() ? root.find("results") : root.end();
    if (!root.is_object() || list == root.end() || !list->is_array())
        throw std::runtime_error("the store's answer has no \"results\" array");
    if (list->size() != sent_ids.size())
        throw std::runtime_error("the store answered " + std::to_string(list->size()) + " results for " +
                                 std::to_string(sent_ids.size()) + " responses");
    std::vector<ItemResult> out;
    for (std::size_t i = 0; i < sent_ids.size(); ++i) {
        const Json& j = (*list)[i];
        ItemResult r;
        if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || j["id"] != sent_ids[i])
            throw std::runtime_error("result " + std::to_string(i) + " is not for response " + sent_ids[i]);
        r.id = sent_ids[i];
        std::string status = j.value("status", "");
        if (status == "created") r.status = ItemResult::Status::Created;
        else if (status == "duplicate") r.status = ItemResult::Status::Duplicate;
        else if (status == "rejected") r.status = ItemResult::Status::Rejected;
        else throw std::runtime_error("result " + std::to_string(i) + " has unknown status '" + status + "'");
        if (r.status == ItemResult::Status::Rejected) {
            r.code = j.value("code", "");
            r.field = j.value("field", "");
            r.reason = j.value("reason", "");
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::string problem_json(int status, const std::string& title, const std::string& detail) {
    // The detail may quote the bytes a parse error stopped at, which need not be valid UTF-8:
    // replace them (U+FFFD) rather than throw while reporting the error.
    return Json{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}}.dump(
        -1, ' ', false, Json::error_handler_t::replace);
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (hyphen ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

std::optional<Clock::time_point> parse_utc(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.mmm]Z
    if (s.size() != 20 && s.size() != 24) return std::nullopt;
    auto num = [&](std::size_t at, std::size_t len) -> int {
        int v = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s.back() != 'Z') return std::nullopt;
    int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), sec = num(17, 2), ms = 0;
    if (s.size() == 24) {
        if (s[19] != '.') return std::nullopt;
        ms = num(20, 3);
    }
    // Years outside 1970..2199 are no kiosk's clock, and would overflow system_clock's range.
    if (y < 1970 || y > 2199 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0)
        return std::nullopt;
    using namespace std::chrono;
    year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return sys_days{date} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms};
}

}  // namespace lkp::sync
