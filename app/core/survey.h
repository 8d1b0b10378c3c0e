#pragma once
// The survey the city owns: questions, their answer scales and the indicators they feed.
// Loaded from a JSON file under assets/; texts are message ids looked up in locales/.
#include <optional>
#include <string>
#include <vector>

#include "json_document.h"

namespace lkp {

// How an option looks besides its words: a face and a colour, never colour alone.
// tone: +2 very positive .. -2 very negative; nullopt for options that are not on the scale.
struct ScaleOption {
    Json value;            // what is stored: a number for scales, a short code for categories
    std::string label_id;  // message id of the words on the button
    std::optional<int> tone;
};

struct Scale {
    enum class Kind { Choice, Numeric };
    std::string id;
    Kind kind = Kind::Choice;
    std::vector<ScaleOption> options;         // for Numeric: one per number, min..max
    int min = 0, max = 0;                     // Numeric only
    std::string low_label_id, high_label_id;  // Numeric only: the written-out end labels
    bool is_allowed(const Json& value) const;
};

struct Question {
    std::string id;
    std::string text_id;    // message id of the question
    std::string section;    // "core" or "background"
    std::string indicator;  // indicator id it feeds, empty for background items
    Scale scale;            // a copy, so a Survey can be copied freely
};

struct Indicator {
    std::string id;
    std::string kind;  // "share", "mean", "index_0_100"
    std::string question;
    std::vector<Json> numerator;  // "share": values counted as yes
    std::vector<Json> excluded;   // values not in the denominator
    std::string title;            // as published (Swedish, like Kolada's titles); the id when not given
    std::string about;            // the definition, for exports and the KPI list
    // Message id of its short name on the attract screen's results for residents ("label" in
    // the file); empty: the indicator is not shown there.
    std::string label_id;
};

struct Survey {
    std::string id;
    int version = 0;
    std::vector<Scale> scales;
    std::vector<Question> questions;
    std::vector<Indicator> indicators;

    const Question* find_question(const std::string& id) const;
    // Every message id the survey uses, so translations can be checked for completeness.
    std::vector<std::string> message_ids() const;
};

Survey load_survey(const std::string& path);
Survey parse_survey(const JsonDocument& doc);

}  // namespace lkp
