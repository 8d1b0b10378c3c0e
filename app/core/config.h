#pragma once
// Kiosk settings from a plain "key = value" file, so staff can edit it with any editor and get
// file:line errors. Every key has a default: the kiosk runs with no config file at all.
#include <map>
#include <string>

#include "screen_care.h"

namespace lkp {

struct KioskConfig {
    std::string kiosk_id = "dev-kiosk";
    std::string location;           // district code of the kiosk itself; empty = not set
    int idle_timeout_seconds = 45;  // no touch this long mid-survey -> "Are you still there?"
    int countdown_seconds = 20;     // how long that question waits before discarding
    int thanks_seconds = 8;         // thank-you screen, then back to the attract screen
    bool fullscreen = true;
    int monitor = 0;
    std::string survey_file;  // defaults to the built-in Helsingborg survey
    std::string districts_file;
    std::string locales_dir;
    std::string default_language = "sv";
    std::string data_dir;
    // Where staff mode exports to: the mount point of a USB stick (e.g. /media/lkp-export, mounted
    // by udisks or an fstab line); empty: no export at the kiosk.
    std::string export_dir;
    double screen_diagonal_inches = 21.5;  // the touchscreen's size: touch targets must be >= 12 mm on it

    // Sync to the indicator store (docs/sync-protocol.md). No store_url: answers stay local.
    std::string store_url;          // https://... (http:// only to this machine: store_url_problem)
    std::string token_file;         // holds the token from `lkp-store kiosk add`
    std::string ca_bundle;          // CA file to trust instead of the system's
    std::string pinned_public_key;  // curl's format: sha256//BASE64[;sha256//...]
    // The most the store takes in one batch: a backlog drains about 1.5x faster than with 200
    // (docs/performance.md, issue 9); in normal use a kiosk sends a handful at a time anyway.
    int sync_batch_size = 1000;
    int sync_connect_timeout_seconds = 10;
    int sync_timeout_seconds = 60;
    int sync_backoff_cap_seconds = 300;

    // Repeated answers (issue 11, docs/indicators.md): more than burst_limit real answers within
    // burst_window seconds are all kept but flagged `burst`. Each answer waits burst_window
    // seconds before it is sent, so that the first ones of a burst are flagged too. 0: no rule, no wait.
    int burst_limit = 3;
    int burst_window_seconds = 60;

    // The idle screens darkened at night (night_hours = 22:00-06:00, local time; unset: never)
    // by night_dim percent, and always moved a little against burn-in (core/screen_care.h).
    ScreenCare screen_care;

    std::string source = "(built-in defaults)";
    std::map<std::string, int> lines;  // key -> line in the file, for later cross-checks
    int line_of(const std::string& key) const;
};

// Defaults only, with paths pointing at the assets this build ships.
KioskConfig default_config();
// Reads FILE over the defaults; throws LoadError (file:line) on an unknown key or bad value.
KioskConfig load_config(const std::string& path);
KioskConfig parse_config(const std::string& path, const std::string& text);

// Why `url` cannot be the store's address, "" when it can. The token goes with every request, so
// it is https://, or http:// only to this very machine (localhost, 127.x.x.x, [::1]: a TLS proxy
// such as nginx or stunnel on the kiosk PC, or a test's store). Said after the key and the value:
// `store_url "http://x" would send this kiosk's token unencrypted: ...`.
std::string store_url_problem(const std::string& url);

}  // namespace lkp
