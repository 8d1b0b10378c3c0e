#pragma once
// Everything the city's files define, loaded and checked against each other at start-up so a
// mistake is reported once, with file:line, before a resident ever sees the kiosk.
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "districts.h"
#include "messages.h"
#include "session.h"
#include "survey.h"

namespace lkp {

struct KioskData {
    KioskConfig config;
    Survey survey;
    DistrictList districts;
    Translations translations;

    SessionSettings session_settings() const;
    // Every text the kiosk can put on screen: all messages of all languages (plural forms too),
    // language names and district names. Fonts are built to hold exactly these characters.
    std::vector<std::string> all_texts() const;
};

// Loads the config (or the built-in defaults), the survey, the district list and translations.
// `ui_message_ids` are the texts the screens use; each must exist in the source language.
// Throws LoadError naming the file (and line) of the first problem found.
KioskData load_kiosk_data(const std::optional<std::string>& config_path,
                          const std::vector<std::string>& ui_message_ids);

}  // namespace lkp
