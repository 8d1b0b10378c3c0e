#include "batch.h"

#include <algorithm>
#include <cctype>

#include "record/response_codec.h"
#include "safe_text.h"

namespace lkp::sync {

namespace {

using Clock = std::chrono::system_clock;

// nlohmann prefixes its messages with "[json.exception.parse_error.101] "; people need the rest.
// The rest may quote the body ("last read: '...'", "number overflow parsing '...'"): megabytes of
// it, not even UTF-8. Only a few bytes of that quote are kept, escaped.
std::string json_error_text(const std::string& what) {
    auto close = what.find("] ");
    std::string text =
        what.rfind("[json.exception", 0) == 0 && close != std::string::npos ? what.substr(close + 2) : what;
    auto open_quote = text.find('\''), close_quote = text.rfind('\'');
    if (open_quote != std::string::npos && close_quote > open_quote)
        text = text.substr(0, open_quote) +
               quote_input(std::string_view(text).substr(open_quote + 1, close_quote - open_quote - 1)) +
               text.substr(close_quote + 1);
    return for_terminal(text, kMaxReasonBytes);
}

// nlohmann's own tree builder behind a SAX handler that counts as it goes and throws before
// anything past a limit is built: neither a value nested 100,000 deep (whose recursive dump or
// copy overflowed the stack) nor the tree of millions of empty items (300 MB from an 8 KB gzip
// upload) is ever made. (nlohmann's parser callback does the same but copies every key and value
// once more: 40 % slower on a real batch; this costs nothing measurable.)
class LimitedTreeBuilder {
  public:
    explicit LimitedTreeBuilder(Json& root) : dom_(root, /*allow_exceptions=*/true) {}

    bool null() { return value() && dom_.null(); }
    bool boolean(bool v) { return value() && dom_.boolean(v); }
    bool number_integer(Json::number_integer_t v) { return value() && dom_.number_integer(v); }
    bool number_unsigned(Json::number_unsigned_t v) { return value() && dom_.number_unsigned(v); }
    bool number_float(Json::number_float_t v, const std::string& s) { return value() && dom_.number_float(v, s); }
    bool string(std::string& v) { return value() && dom_.string(v); }
    bool binary(Json::binary_t& v) { return value() && dom_.binary(v); }
    bool start_object(std::size_t n) { return open() && dom_.start_object(n); }
    bool key(std::string& k) {
        if (depth_ == 1) in_responses_ = k == "responses";
        return dom_.key(k);
    }
    bool end_object() { return close() && dom_.end_object(); }
    bool start_array(std::size_t n) { return open() && dom_.start_array(n); }
    bool end_array() { return close() && dom_.end_array(); }
    template <typename Exception>
    bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
        return dom_.parse_error(position, token, e);  // throws e
    }

  private:
    // One more value at the current depth: the batch itself at 0, each response at 2.
    bool value() {
        if (++values_ > kMaxBatchValues)
            throw BatchError(413, "Batch too large",
                             "the batch holds more than " + std::to_string(kMaxBatchValues) +
                                 " JSON values; send fewer responses per batch");
        if (depth_ == 2 && in_responses_ && ++items_ > kMaxBatchItems)
            throw BatchError(413, "Batch too large",
                             "the batch has more than " + std::to_string(kMaxBatchItems) + " responses; send at most " +
                                 std::to_string(kMaxBatchItems) + " per batch");
        return true;
    }
    bool open() {
        if (depth_ >= kMaxJsonDepth)
            throw BatchError(
                400, "Not a batch",
                "the body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels (a batch needs 4)");
        value();
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }

    nlohmann::detail::json_sax_dom_parser<Json> dom_;
    int depth_ = 0;
    std::size_t values_ = 0, items_ = 0;
    bool in_responses_ = false;
};

Json parse_within_limits(std::string_view body) {
    Json root;
    LimitedTreeBuilder builder(root);
    try {
        Json::sax_parse(body.begin(), body.end(), &builder);
    } catch (const Json::exception& e) {  // parse_error, and out_of_range for numbers like 9e999
        throw BatchError(400, "Malformed JSON", "the body is not valid UTF-8 JSON: " + json_error_text(e.what()));
    }
    return root;
}

// A value as a rejection reason names it: a few bytes of a string or number, the type of the rest.
std::string describe_value(const Json& v) {
    if (v.is_string()) return quote_input(v.get_ref<const std::string&>());
    if (v.is_primitive()) return for_terminal(v.dump(), 32);  // a number, true, false
    return std::string("a JSON ") + v.type_name();
}

// Every text field of a response is a code, a name or a time: no control characters. Without
// this check a NUL in a flag failed a whole batch on PostgreSQL (on every resend), one in location
// was cut off there silently, and SQLite kept both.
void refuse_control_characters(const Response& r) {
    auto check = [](const char* field, const std::string& value) {
        if (has_control_character(value))
            throw record::FieldError(field, "contains a control character (U+0000..U+001F, U+007F..U+009F)");
    };
    check("id", r.id);
    check("kiosk_id", r.kiosk_id);
    check("survey_id", r.survey_id);
    if (r.location) check("location", *r.location);
    check("language", r.language);
    if (r.district) check("district", *r.district);
    for (const auto& flag : r.flags) check("flags", flag);
}

// The survey's own spelling of an allowed value (an integral 2.0 is the option 2), or nullptr.
const Json* scale_option(const Scale& scale, const Json& value) {
    for (const auto& o : scale.options)
        if (o.value == value) return &o.value;
    return nullptr;
}

std::string describe_scale(const Scale& scale) {
    if (scale.kind == Scale::Kind::Numeric)
        return "the scale " + std::to_string(scale.min) + ".." + std::to_string(scale.max) + " or null";
    std::string s = "one of ";
    for (const auto& o : scale.options) s += o.value.dump() + ", ";
    return s + "or null";
}

// The record codec has read the item's shape; this checks it against what the store accepts:
// text without control characters, a known survey and its questions and scales, the district
// list. Answers come out in survey order whatever order they were sent in, each spelled as the
// survey spells it. The kiosk's clock is judged apart (BatchClock::clock_off): a wrong clock
// loses no answer.
Response check_item(const Json& item, const SurveyCatalog& catalog) {
    Response r = record::from_wire(item);
    refuse_control_characters(r);
    const Survey* survey = catalog.find(r.survey_id, r.survey_version);
    if (!survey)
        throw record::FieldError("survey_id", "the store does not know survey " + quote_input(r.survey_id) +
                                                  " version " + std::to_string(r.survey_version));
    if (r.location && catalog.districts && !catalog.districts->find(*r.location))
        throw record::FieldError("location", quote_input(*r.location) + " is not a district of list " +
                                                 quote_input(catalog.districts->list_id) +
                                                 " (the kiosk's own district, or null)");
    if (r.district && catalog.districts && !catalog.districts->is_valid_choice(*r.district))
        throw record::FieldError("district", quote_input(*r.district) + " is not a district of list " +
                                                 quote_input(catalog.districts->list_id));

    for (const auto& [key, value] : r.answers)
        if (!survey->find_question(key))
            throw record::FieldError("answers." + key, "not a question of survey " + quote_input(survey->id) +
                                                           " version " + std::to_string(survey->version));
    Answers in_survey_order;
    for (const auto& q : survey->questions) {
        const Json* value = r.answer(q.id);
        if (!value) throw record::FieldError("answers." + q.id, "missing (a declined question is sent as null)");
        if (value->is_null()) {
            in_survey_order.emplace_back(q.id, nullptr);
            continue;
        }
        // 2.0 equals the option 2 and is stored as 2: one spelling per answer in the database.
        const Json* option = scale_option(q.scale, *value);
        if (!option)
            throw record::FieldError("answers." + q.id,
                                     describe_value(*value) + " is not on " + describe_scale(q.scale));
        in_survey_order.emplace_back(q.id, *option);
    }
    r.answers = std::move(in_survey_order);

    auto started = *parse_utc(r.started_at);
    auto submitted = *parse_utc(r.submitted_at);
    if (started > submitted || submitted - started > std::chrono::hours(24))
        throw record::FieldError("started_at", "must be before submitted_at and on the same day");
    return r;
}

}  // namespace

const char* to_string(ItemResult::Status s) {
    switch (s) {
        case ItemResult::Status::Created:
            return "created";
        case ItemResult::Status::Duplicate:
            return "duplicate";
        case ItemResult::Status::Rejected:
            return "rejected";
    }
    return "rejected";
}

const Survey* SurveyCatalog::find(const std::string& id, int version) const {
    for (const auto& s : surveys)
        if (s.id == id && s.version == version) return &s;
    return nullptr;
}

std::optional<Clock::duration> BatchClock::skew() const {
    if (!sent) return std::nullopt;
    return received - *sent;
}

bool BatchClock::clock_off(Clock::time_point submitted) const {
    if (auto s = skew(); s && (*s > kMaxBatchSkew || *s < -kMaxBatchSkew)) return true;
    return submitted > received + kMaxClockAhead || submitted < received - kMaxAnswerAge;
}

std::vector<ParsedItem> parse_batch(std::string_view body, const SurveyCatalog& catalog, Clock::time_point now) {
    return parse_batch(body, catalog, BatchClock{.received = now, .sent = std::nullopt});
}

std::vector<ParsedItem> parse_batch(std::string_view body, const SurveyCatalog& catalog, const BatchClock& clock) {
    Json root = parse_within_limits(body);
    if (!root.is_object())
        throw BatchError(400, "Not a batch", "the body must be a JSON object with a \"responses\" array");
    auto list = root.find("responses");
    if (list == root.end() || !list->is_array())
        throw BatchError(400, "Not a batch", "the field \"responses\" must be an array of responses");
    if (root.size() != 1) throw BatchError(400, "Not a batch", "a batch has only the field \"responses\"");

    std::vector<ParsedItem> out;
    out.reserve(list->size());
    for (const auto& item : *list) {
        ParsedItem p;
        // The id is echoed so the kiosk can match the result; one longer than a UUID is invalid
        // anyway, and only its first bytes come back.
        if (item.is_object())
            if (auto id = item.find("id"); id != item.end() && id->is_string()) {
                const auto& text = id->get_ref<const std::string&>();
                p.id = text.size() <= kMaxIdBytes ? text : for_terminal(text, kMaxIdBytes);
            }
        try {
            p.response = check_item(item, catalog);
            p.clock_off = clock.clock_off(*parse_utc(p.response->submitted_at));
        } catch (const record::FieldError& problem) {
            // Both may hold what the client sent (a field or question name, a value): short and escaped.
            p.field = for_terminal(problem.field, kMaxFieldBytes);
            p.reason = for_terminal(problem.what(), kMaxReasonBytes);
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::string encode_batch(const std::vector<Response>& responses) {
    record::OrderedJson list = record::OrderedJson::array();
    for (const auto& r : responses) list.push_back(record::to_wire(r));
    record::OrderedJson batch = record::OrderedJson::object();
    batch["responses"] = std::move(list);
    return batch.dump();
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
    if (root.is_discarded())
        throw std::runtime_error("the store's answer is not JSON (truncated, or not from the store)");
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
        if (status == "created")
            r.status = ItemResult::Status::Created;
        else if (status == "duplicate")
            r.status = ItemResult::Status::Duplicate;
        else if (status == "rejected")
            r.status = ItemResult::Status::Rejected;
        else
            throw std::runtime_error("result " + std::to_string(i) + " has unknown status '" + status + "'");
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

}  // namespace lkp::sync
