#pragma once
// Kiosk settings from a plain "key = value" file, so staff can edit it with any editor and get
// file:line errors. Every key has a default: the kiosk runs with no config file at all.
#include <map>
#include <string>

namespace lkp {

struct KioskConfig {
    std::string kiosk_id = "dev-kiosk";
    std::string location;             // district code of the kiosk itself; empty = not set
    int idle_timeout_seconds = 45;    // no touch this long mid-survey -> "Are you still there?"
    int countdown_seconds = 20;       // how long that question waits before discarding
    int thanks_seconds = 8;           // thank-you screen, then back to the attract screen
    bool fullscreen = true;
    int monitor = 0;
    std::string survey_file;          // defaults to the built-in Helsingborg survey
    std::string districts_file;
    std::string locales_dir;
    std::string default_language = "sv";
    std::string data_dir;
    double screen_diagonal_inches = 21.5;   // the touchscreen's size: touch targets must be >= 12 mm on it

    std::string source = "(built-in defaults)";
    std::map<std::string, int> lines;  // key -> line in the file, for later cross-checks
    int line_of(const std::string& key) const;
};

// Defaults only, with paths pointing at the assets this build ships.
KioskConfig default_config();
// Reads FILE over the defaults; throws LoadError (file:line) on an unknown key or bad value.
KioskConfig load_config(const std::string& path);
KioskConfig parse_config(const std::string& path, const std::string& text);

}  // namespace lkp
