#include "response_codec.h"

#include <algorithm>
#include <cctype>

#include "utc.h"
#include "uuid.h"

namespace lkp::record {

namespace {

Json or_null(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

OrderedJson answers_object(const Answers& answers) {
    OrderedJson a = OrderedJson::object();
    for (const auto& [question, value] : answers) a[question] = value;
    return a;
}

template <typename AnyJson>
Answers answers_from_object(const AnyJson& a) {
    Answers out;
    for (const auto& [question, value] : a.items()) out.emplace_back(question, Json(value));
    return out;
}

// --- reading a wire item -------------------------------------------------------------------

const char* const kWireFields[] = {"id",       "kiosk_id", "seq",     "survey_id",  "survey_version", "location",
                                   "language", "district", "answers", "started_at", "submitted_at",   "flags"};

const Json& require(const Json& item, const char* key) {
    auto it = item.find(key);
    if (it == item.end()) throw FieldError(key, "missing");
    return *it;
}

std::string short_string(const Json& item, const char* key, std::size_t max_len) {
    const Json& v = require(item, key);
    if (!v.is_string()) throw FieldError(key, std::string("must be a string, not ") + v.type_name());
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty()) throw FieldError(key, "must not be empty");
    if (s.size() > max_len) throw FieldError(key, "longer than " + std::to_string(max_len) + " bytes");
    return s;
}

std::optional<std::string> optional_string(const Json& item, const char* key, std::size_t max_len) {
    if (require(item, key).is_null()) return std::nullopt;
    return short_string(item, key, max_len);
}

std::int64_t integer(const Json& item, const char* key, std::int64_t min, std::int64_t max) {
    const Json& v = require(item, key);
    if (!v.is_number_integer()) throw FieldError(key, std::string("must be an integer, not ") + v.type_name());
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        throw FieldError(key, "out of range");
    auto n = v.get<std::int64_t>();
    if (n < min || n > max)
        throw FieldError(key, v.dump() + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
    return n;
}

std::string timestamp(const Json& item, const char* key) {
    std::string s = short_string(item, key, 40);
    if (!parse_utc(s)) throw FieldError(key, "'" + s + "' is not a UTC time like 2026-11-22T10:15:00.000Z");
    return s;
}

std::int64_t to_int(const std::optional<std::string>& text, const char* column) {
    try {
        return std::stoll(text.value());
    } catch (const std::exception&) {
        throw std::runtime_error(std::string("stored column ") + column + " is not a number");
    }
}

}  // namespace

OrderedJson to_wire(const Response& r) {
    OrderedJson j = OrderedJson::object();
    j["id"] = r.id;
    j["kiosk_id"] = r.kiosk_id;
    j["seq"] = r.seq;
    j["survey_id"] = r.survey_id;
    j["survey_version"] = r.survey_version;
    j["location"] = or_null(r.location);
    j["language"] = r.language;
    j["district"] = or_null(r.district);
    j["answers"] = answers_object(r.answers);
    j["started_at"] = r.started_at;
    j["submitted_at"] = r.submitted_at;
    j["flags"] = r.flags;
    return j;
}

Response from_wire(const Json& item) {
    if (!item.is_object()) throw FieldError("", "each response must be a JSON object");
    for (const auto& [key, value] : item.items())
        if (std::find(std::begin(kWireFields), std::end(kWireFields), key) == std::end(kWireFields))
            throw FieldError(key, "unknown field");
    Response r;
    r.id = short_string(item, "id", 36);
    if (!is_uuid(r.id)) throw FieldError("id", "'" + r.id + "' is not a lowercase UUID");
    r.kiosk_id = short_string(item, "kiosk_id", 64);
    r.seq = integer(item, "seq", 1, INT64_MAX);
    r.survey_id = short_string(item, "survey_id", 64);
    r.survey_version = static_cast<int>(integer(item, "survey_version", 1, 1'000'000));
    r.location = optional_string(item, "location", 64);
    r.language = short_string(item, "language", 16);
    if (!std::all_of(r.language.begin(), r.language.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
        throw FieldError("language", "'" + r.language + "' is not a language tag");
    r.district = optional_string(item, "district", 64);
    const Json& answers = require(item, "answers");
    if (!answers.is_object()) throw FieldError("answers", std::string("must be an object, not ") + answers.type_name());
    r.answers = answers_from_object(answers);
    r.started_at = timestamp(item, "started_at");
    r.submitted_at = timestamp(item, "submitted_at");
    const Json& flags = require(item, "flags");
    if (!flags.is_array() || flags.size() > 8) throw FieldError("flags", "must be an array of at most 8 strings");
    for (const auto& f : flags) {
        if (!f.is_string() || f.get_ref<const std::string&>().empty() || f.get_ref<const std::string&>().size() > 32)
            throw FieldError("flags", "each flag must be a string of 1 to 32 bytes");
        r.flags.push_back(f.get<std::string>());
    }
    return r;
}

const std::vector<std::string>& row_columns() {
    static const std::vector<std::string> columns = {
        "seq",      "id",       "kiosk_id", "survey_id",  "survey_version", "location",
        "language", "district", "answers",  "started_at", "submitted_at",   "flags"};
    return columns;
}

Row to_row(const Response& r) {
    return {std::to_string(r.seq),
            r.id,
            r.kiosk_id,
            r.survey_id,
            std::to_string(r.survey_version),
            r.location,
            r.language,
            r.district,
            answers_object(r.answers).dump(),
            r.started_at,
            r.submitted_at,
            Json(r.flags).dump()};
}

Response from_row(const Row& row) {
    if (row.size() != row_columns().size())
        throw std::runtime_error("a stored response has the wrong number of columns");
    Response r;
    r.seq = to_int(row[0], "seq");
    r.id = row[1].value_or("");
    r.kiosk_id = row[2].value_or("");
    r.survey_id = row[3].value_or("");
    r.survey_version = static_cast<int>(to_int(row[4], "survey_version"));
    r.location = row[5];
    r.language = row[6].value_or("");
    r.district = row[7];
    try {
        r.answers = answers_from_object(OrderedJson::parse(row[8].value_or("{}")));
        r.flags = Json::parse(row[11].value_or("[]")).get<std::vector<std::string>>();
    } catch (const Json::exception& e) {
        throw std::runtime_error("response " + r.id + ": stored answers or flags are not readable JSON: " + e.what());
    }
    r.started_at = row[9].value_or("");
    r.submitted_at = row[10].value_or("");
    return r;
}

std::string fingerprint_text(const Row& row) {
    std::string text;
    for (std::size_t i = 0; i < row.size() && i < row_columns().size(); ++i)
        if (row[i])
            text.append(row_columns()[i])
                .append("=")
                .append(std::to_string(row[i]->size()))
                .append(":")
                .append(*row[i]);
    return text;
}

std::string schema1_fingerprint_text(const Response& r) {
    Json answers = Json::object();  // name order, as schema 1 hashed it
    for (const auto& [question, value] : r.answers) answers[question] = value;
    // Each field prefixed with its length, so no two different responses give the same text.
    std::string text;
    auto add = [&text](std::string_view field) { text.append(std::to_string(field.size())).append(":").append(field); };
    add(r.kiosk_id);
    add(r.id);
    add(std::to_string(r.seq));
    add(r.survey_id);
    add(std::to_string(r.survey_version));
    add(r.location ? std::string_view(*r.location) : std::string_view());
    add(r.language);
    add(r.district ? "=" + *r.district : "null");
    add(answers.dump());
    add(r.started_at);
    add(r.submitted_at);
    add(Json(r.flags).dump());
    return text;
}

}  // namespace lkp::record
