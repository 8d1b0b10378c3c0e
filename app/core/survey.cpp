#include "survey.h"

#include <algorithm>
#include <set>

namespace lkp {

bool Scale::is_allowed(const Json& value) const {
    return std::any_of(options.begin(), options.end(), [&](const ScaleOption& o) { return o.value == value; });
}

const Question* Survey::find_question(const std::string& qid) const {
    for (const auto& q : questions)
        if (q.id == qid) return &q;
    return nullptr;
}

std::vector<std::string> Survey::message_ids() const {
    std::set<std::string> ids;
    for (const auto& s : scales) {
        for (const auto& o : s.options)
            if (!o.label_id.empty()) ids.insert(o.label_id);
        if (!s.low_label_id.empty()) ids.insert(s.low_label_id);
        if (!s.high_label_id.empty()) ids.insert(s.high_label_id);
    }
    for (const auto& q : questions) ids.insert(q.text_id);
    for (const auto& i : indicators)
        if (!i.label_id.empty()) ids.insert(i.label_id);
    return {ids.begin(), ids.end()};
}

namespace {

std::optional<int> read_tone(const JsonDocument& doc, const JsonPointer& at) {
    const Json& o = doc.root().at(at);
    if (!o.contains("tone") || o["tone"].is_null()) return std::nullopt;
    long long t = doc.int_at(at, "tone");
    if (t < -2 || t > 2) doc.fail(at / "tone", "tone must be between -2 and 2");
    return static_cast<int>(t);
}

Scale parse_scale(const JsonDocument& doc, const JsonPointer& at, const std::string& id) {
    Scale s;
    s.id = id;
    std::string kind = doc.string_at(at, "type");
    if (kind == "choice") {
        s.kind = Scale::Kind::Choice;
        const Json& opts = doc.array_at(at, "options");
        if (opts.size() < 2) doc.fail(at / "options", "a choice scale needs at least two options");
        for (size_t i = 0; i < opts.size(); ++i) {
            JsonPointer o = at / "options" / i;
            const Json& v = doc.member(o, "value");
            if (!v.is_number_integer() && !(v.is_string() && !v.get_ref<const std::string&>().empty()))
                doc.fail(o / "value", "value must be a whole number or a non-empty code");
            if (s.is_allowed(v)) doc.fail(o / "value", "value " + v.dump() + " appears twice");
            s.options.push_back({v, doc.string_at(o, "label"), read_tone(doc, o)});
        }
    } else if (kind == "numeric") {
        s.kind = Scale::Kind::Numeric;
        s.min = static_cast<int>(doc.int_at(at, "min"));
        s.max = static_cast<int>(doc.int_at(at, "max"));
        if (s.max <= s.min || s.max - s.min > 10)
            doc.fail(at / "max", "a numeric scale needs min < max and at most 11 steps");
        s.low_label_id = doc.string_at(at, "low_label");
        s.high_label_id = doc.string_at(at, "high_label");
        for (int v = s.min; v <= s.max; ++v) {
            // Tone runs from -2 at the low end to +2 at the high end, for colour and face.
            double t = -2.0 + 4.0 * (v - s.min) / (s.max - s.min);
            s.options.push_back({v, "", static_cast<int>(t < 0 ? t - 0.5 : t + 0.5)});
        }
    } else {
        doc.fail(at / "type", "unknown scale type \"" + kind + "\" (expected \"choice\" or \"numeric\")");
    }
    return s;
}

}  // namespace

Survey parse_survey(const JsonDocument& doc) {
    const JsonPointer root;
    Survey sv;
    sv.id = doc.string_at(root, "survey_id");
    long long version = doc.int_at(root, "version");
    if (version < 1) doc.fail(root / "version", "version must be 1 or more");
    sv.version = static_cast<int>(version);

    const Json& scales = doc.object_at(root, "scales");
    sv.scales.reserve(scales.size());
    for (const auto& [id, _] : scales.items()) sv.scales.push_back(parse_scale(doc, root / "scales" / id, id));

    const Json& questions = doc.array_at(root, "questions");
    if (questions.empty()) doc.fail(root / "questions", "the survey has no questions");
    std::set<std::string> seen;
    for (size_t i = 0; i < questions.size(); ++i) {
        JsonPointer at = root / "questions" / i;
        Question q;
        q.id = doc.string_at(at, "id");
        if (!seen.insert(q.id).second) doc.fail(at / "id", "question id \"" + q.id + "\" appears twice");
        q.text_id = doc.string_at(at, "text");
        q.section = doc.string_at(at, "section");
        if (q.section != "core" && q.section != "background")
            doc.fail(at / "section", "section must be \"core\" or \"background\"");
        std::string scale = doc.string_at(at, "scale");
        auto it = std::find_if(sv.scales.begin(), sv.scales.end(), [&](const Scale& s) { return s.id == scale; });
        if (it == sv.scales.end()) doc.fail(at / "scale", "no scale named \"" + scale + "\" in \"scales\"");
        q.scale = *it;
        sv.questions.push_back(q);
    }

    if (doc.root().contains("indicators")) {
        const Json& inds = doc.array_at(root, "indicators");
        for (size_t i = 0; i < inds.size(); ++i) {
            JsonPointer at = root / "indicators" / i;
            Indicator ind;
            ind.id = doc.string_at(at, "id");
            ind.kind = doc.string_at(at, "kind");
            if (ind.kind != "share" && ind.kind != "mean" && ind.kind != "index_0_100")
                doc.fail(at / "kind", "kind must be \"share\", \"mean\" or \"index_0_100\"");
            ind.question = doc.string_at(at, "question");
            ind.title = inds[i].contains("title") ? doc.string_at(at, "title") : ind.id;
            if (inds[i].contains("about")) ind.about = doc.string_at(at, "about");
            if (inds[i].contains("label")) ind.label_id = doc.string_at(at, "label");
            if (std::any_of(sv.indicators.begin(), sv.indicators.end(),
                            [&](const Indicator& x) { return x.id == ind.id; }))
                doc.fail(at / "id", "indicator \"" + ind.id + "\" is listed twice");
            const Question* q = sv.find_question(ind.question);
            if (!q) doc.fail(at / "question", "no question with id \"" + ind.question + "\"");
            for (const char* list : {"numerator", "excluded"}) {
                if (!inds[i].contains(list)) continue;
                const Json& vals = doc.array_at(at, list);
                for (size_t k = 0; k < vals.size(); ++k) {
                    if (!q->scale.is_allowed(vals[k]))
                        doc.fail(at / list / k, vals[k].dump() + " is not an answer of question \"" + q->id + "\"");
                    (std::string(list) == "numerator" ? ind.numerator : ind.excluded).push_back(vals[k]);
                }
            }
            if (ind.kind == "share" && ind.numerator.empty())
                doc.fail(at, "a \"share\" indicator needs a \"numerator\" list");
            sv.indicators.push_back(ind);
        }
    }
    for (size_t i = 0; i < sv.questions.size(); ++i) {
        const auto& q = sv.questions[i];
        if (q.section != "core") continue;
        if (!questions[i].contains("indicator")) continue;
        std::string ind = doc.string_at(root / "questions" / i, "indicator");
        bool known =
            std::any_of(sv.indicators.begin(), sv.indicators.end(), [&](const Indicator& x) { return x.id == ind; });
        if (!known) doc.fail(root / "questions" / i / "indicator", "no indicator with id \"" + ind + "\"");
        sv.questions[i].indicator = ind;
    }
    return sv;
}

Survey load_survey(const std::string& path) { return parse_survey(JsonDocument::load(path)); }

}  // namespace lkp
