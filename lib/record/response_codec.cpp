#include "response_codec.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "language_tag.h"
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

std::int64_t to_int(const std::optional<std::string_view>& text, const char* column) {
    std::int64_t n = 0;
    const char* end = text ? text->data() + text->size() : nullptr;
    if (!text || std::from_chars(text->data(), end, n).ptr != end || text->empty())
        throw std::runtime_error(std::string("stored column ") + column + " is not a number");
    return n;
}

// --- reading stored answers ----------------------------------------------------------------

constexpr std::size_t kQuickAnswers = 32;
struct ScannedAnswer {
    std::string_view question;
    StoredAnswer answer;
};

// The codec's own compact form, {"q":1,"r":"text","s":null}, read in place without building a
// tree. Returns how many answers it read, or -1 when the text needs the JSON parser (an escape, a
// decimal, a nested value, white space, more answers than fit): nothing is handed on before the
// whole text is read, so a fallback never repeats an answer.
int scan_compact(std::string_view s, std::array<ScannedAnswer, kQuickAnswers>& out) {
    const std::size_t n = s.size();
    std::size_t i = 1;
    auto string_at = [&](std::string_view& into) {  // s[i] is the opening quote
        std::size_t end = i + 1;
        while (end < n && s[end] != '"' && s[end] != '\\') ++end;
        if (end == n || s[end] != '"') return false;
        into = s.substr(i + 1, end - i - 1);
        i = end + 1;
        return true;
    };
    if (n < 2 || s[0] != '{') return -1;
    if (s[1] == '}') return n == 2 ? 0 : -1;
    for (int count = 0;; ++count) {
        if (count == static_cast<int>(kQuickAnswers) || i >= n || s[i] != '"') return -1;
        ScannedAnswer& a = out[static_cast<std::size_t>(count)];
        if (!string_at(a.question) || i >= n || s[i] != ':') return -1;
        ++i;
        a.answer = {};
        if (i < n && s[i] == '"') {
            a.answer.kind = StoredAnswer::Kind::Text;
            if (!string_at(a.answer.text)) return -1;
        } else if (s.compare(i, 4, "null") == 0) {
            i += 4;
        } else {
            const char* first = s.data() + i;
            auto [end, error] = std::from_chars(first, s.data() + n, a.answer.integer);
            if (error != std::errc() || end == first) return -1;
            a.answer.kind = StoredAnswer::Kind::Integer;
            i = static_cast<std::size_t>(end - s.data());
        }
        if (i >= n) return -1;
        if (s[i] == '}') return i + 1 == n ? count + 1 : -1;
        if (s[i] != ',') return -1;  // also a decimal (2.5) or an exponent (1e3)
        ++i;
    }
}

}  // namespace

void for_each_answer(std::string_view answers_json,
                     const std::function<void(std::string_view question, const StoredAnswer& answer)>& each) {
    std::array<ScannedAnswer, kQuickAnswers> quick;
    int count = scan_compact(answers_json, quick);
    if (count >= 0) {
        for (int i = 0; i < count; ++i)
            each(quick[static_cast<std::size_t>(i)].question, quick[static_cast<std::size_t>(i)].answer);
        return;
    }
    OrderedJson parsed;
    try {
        parsed = OrderedJson::parse(answers_json);
    } catch (const OrderedJson::exception& e) {
        throw std::runtime_error(std::string("stored answers are not readable JSON: ") + e.what());
    }
    if (!parsed.is_object()) throw std::runtime_error("stored answers are not a JSON object");
    for (const auto& [question, value] : parsed.items()) {
        StoredAnswer a;
        std::string other;
        if (value.is_null()) {
            a.kind = StoredAnswer::Kind::Declined;
        } else if (value.is_number_integer() && !(value.is_number_unsigned() &&
                                                  value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
            a.kind = StoredAnswer::Kind::Integer;
            a.integer = value.get<std::int64_t>();
        } else if (value.is_string()) {
            a.kind = StoredAnswer::Kind::Text;
            a.text = value.get_ref<const std::string&>();
        } else {
            a.kind = StoredAnswer::Kind::Other;
            other = value.dump();
            a.text = other;
        }
        each(question, a);
    }
}

std::vector<std::string> flags_of(std::string_view flags_json) {
    if (flags_json == "[]") return {};  // nearly every row
    try {
        return Json::parse(flags_json).get<std::vector<std::string>>();
    } catch (const Json::exception& e) {
        throw std::runtime_error(std::string("stored flags are not a JSON array of texts: ") + e.what());
    }
}

namespace {}  // namespace

OrderedJson to_wire(const Response& r) {
    OrderedJson j = OrderedJson::object();
    j["id"] = r.id;
    j["kiosk_id"] = r.kiosk_id;
    j["seq"] = r.seq;
    j["survey_id"] = r.survey_id;
    j["survey_version"] = r.survey_version;
    j["location"] = or_null(r.location);
    j["language"] = std::string(current_language_tag(r.language));  // never "sv-easy" (language_tag.h)
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
    r.language = std::string(current_language_tag(r.language));  // a kiosk of before issue 12 sends "sv-easy"
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
    static const std::vector<std::string> columns = [] {
        std::vector<std::string> c = {"seq",      "id",       "kiosk_id", "survey_id",  "survey_version", "location",
                                      "language", "district", "answers",  "started_at", "submitted_at",   "flags"};
        if (c.size() != kRowColumns || c[kIdColumn] != "id" || c[kSubmittedAtColumn] != "submitted_at" ||
            c[kLanguageColumn] != "language")
            throw std::logic_error("response_codec.h's column constants do not match row_columns()");
        return c;
    }();
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

ResponseView view_of(const RowView& row) {
    ResponseView v;
    v.seq = to_int(row[0], "seq");
    v.id = row[1].value_or("");
    v.kiosk_id = row[2].value_or("");
    v.survey_id = row[3].value_or("");
    v.survey_version = static_cast<int>(to_int(row[4], "survey_version"));
    v.location = row[5];
    v.language = current_language_tag(row[kLanguageColumn].value_or(""));  // "sv-easy" stored before issue 12
    v.district = row[7];
    v.answers_json = row[8].value_or("{}");
    v.started_at = row[9].value_or("");
    v.submitted_at = row[10].value_or("");
    v.flags_json = row[11].value_or("[]");
    return v;
}

Response from_row(const Row& row) {
    if (row.size() != kRowColumns) throw std::runtime_error("a stored response has the wrong number of columns");
    RowView in_place;
    for (std::size_t i = 0; i < kRowColumns; ++i)
        if (row[i]) in_place[i] = *row[i];
    return from_row(in_place);
}

Response from_row(const RowView& row) {
    ResponseView v = view_of(row);
    Response r;
    r.seq = v.seq;
    r.id = v.id;
    r.kiosk_id = v.kiosk_id;
    r.survey_id = v.survey_id;
    r.survey_version = v.survey_version;
    if (v.location) r.location = std::string(*v.location);
    r.language = v.language;
    if (v.district) r.district = std::string(*v.district);
    r.started_at = v.started_at;
    r.submitted_at = v.submitted_at;
    try {
        for_each_answer(v.answers_json, [&](std::string_view question, const StoredAnswer& a) {
            Json value;
            switch (a.kind) {
                case StoredAnswer::Kind::Declined:
                    break;
                case StoredAnswer::Kind::Integer:
                    value = a.integer;
                    break;
                case StoredAnswer::Kind::Text:
                    value = std::string(a.text);
                    break;
                case StoredAnswer::Kind::Other:
                    value = Json::parse(a.text);
                    break;
            }
            r.answers.emplace_back(std::string(question), std::move(value));
        });
        r.flags = flags_of(v.flags_json);
    } catch (const std::exception& e) {
        throw std::runtime_error("response " + r.id + ": " + e.what());
    }
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
