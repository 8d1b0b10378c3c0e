#include "kiosk_data.h"

namespace lkp {

SessionSettings KioskData::session_settings() const {
    SessionSettings s;
    s.kiosk_id = config.kiosk_id;
    if (!config.location.empty()) s.location = config.location;
    s.default_language = config.default_language;
    for (const auto& c : translations.languages()) s.languages.push_back(c.language);
    s.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
    s.countdown = std::chrono::seconds(config.countdown_seconds);
    s.thanks = std::chrono::seconds(config.thanks_seconds);
    return s;
}

std::vector<std::string> KioskData::all_texts() const {
    std::vector<std::string> texts;
    for (const Catalog& c : translations.languages()) {
        texts.push_back(c.native_name);
        for (const auto& [id, text] : c.texts) texts.push_back(text);
        for (const auto& [id, forms] : c.plural_texts) texts.insert(texts.end(), forms.begin(), forms.end());
    }
    for (const District& d : districts.districts) texts.push_back(d.name);
    return texts;
}

KioskData load_kiosk_data(const std::optional<std::string>& config_path,
                          const std::vector<std::string>& ui_message_ids) {
    KioskConfig config = config_path ? load_config(*config_path) : default_config();
    Survey survey = load_survey(config.survey_file);
    DistrictList districts = load_districts(config.districts_file);
    Translations translations = Translations::load(config.locales_dir);

    translations.require(survey.message_ids(), config.survey_file);
    translations.require(ui_message_ids, "the kiosk's screens");
    if (!translations.has(config.default_language))
        throw LoadError(
            config.source, config.line_of("default_language"),
            "default_language \"" + config.default_language + "\" is not in " + config.locales_dir + "/LINGUAS");
    if (!config.location.empty() && !districts.find(config.location))
        throw LoadError(config.source, config.line_of("location"),
                        "location \"" + config.location + "\" is not a district code in " + config.districts_file);
    return KioskData{std::move(config), std::move(survey), std::move(districts), std::move(translations)};
}

}  // namespace lkp
