#include "config.h"

#include <cctype>
#include <functional>
#include <sstream>
#include <string_view>

#include "install_paths.h"
#include "load_error.h"
#include "record/language_tag.h"

#ifndef LKP_ASSET_DIR
#define LKP_ASSET_DIR "/usr/share/lkp-kiosk/assets"
#endif
#ifndef LKP_LOCALE_DIR
#define LKP_LOCALE_DIR "/usr/share/lkp-kiosk/locales"
#endif

namespace lkp {

int KioskConfig::line_of(const std::string& key) const {
    auto it = lines.find(key);
    return it == lines.end() ? 0 : it->second;
}

KioskConfig default_config() {
    KioskConfig c;
    std::string assets = built_in_folder("lkp-kiosk", "assets", LKP_ASSET_DIR);
    c.survey_file = assets + "/surveys/helsingborg-lkp.json";
    c.districts_file = assets + "/districts/helsingborg.json";
    c.locales_dir = built_in_folder("lkp-kiosk", "locales", LKP_LOCALE_DIR);
    return c;
}

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// 127.a.b.c in plain dotted decimal. Other spellings some resolvers take for loopback (127.1,
// 0177.0.0.1, 0x7f000001, 2130706433) are refused rather than guessed at.
bool is_loopback_ipv4(std::string_view host) {
    if (host.substr(0, 4) != "127.") return false;
    host.remove_prefix(4);
    for (int part = 0; part < 3; ++part) {
        std::string_view octet = host.substr(0, host.find('.'));
        if (!all_digits(octet) || octet.size() > 3 || (octet.size() > 1 && octet[0] == '0') ||
            std::stoi(std::string(octet)) > 255)
            return false;
        host.remove_prefix(octet.size());
        if (part < 2) {
            if (host.empty() || host[0] != '.') return false;
            host.remove_prefix(1);
        }
    }
    return host.empty();
}

// The URL's authority (what comes after "http://" up to the path) names this machine: exactly
// localhost, 127.x.x.x or [::1], with an optional port; no user part, nothing a parser could
// read two ways.
bool is_loopback_authority(std::string_view authority) {
    std::string_view host = authority, port;
    std::size_t colon = authority.front() == '[' ? authority.find("]:") : authority.find(':');
    if (colon != std::string_view::npos) {
        if (authority.front() == '[') ++colon;
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (!all_digits(port) || port.size() > 5) return false;
    }
    std::string lower(host);
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower == "localhost" || lower == "[::1]" || is_loopback_ipv4(lower);
}

}  // namespace

std::string store_url_problem(const std::string& url) {
    const std::string_view http = "http://";
    if (url.rfind("https://", 0) == 0) return {};
    if (url.rfind(http, 0) != 0) return "is not an http:// or https:// address";
    std::string_view rest = std::string_view(url).substr(http.size());
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (!authority.empty() && is_loopback_authority(authority)) return {};
    return "would send this kiosk's token unencrypted: http:// is allowed only to this machine (localhost, "
           "127.x.x.x, [::1]); use https://";
}

KioskConfig parse_config(const std::string& path, const std::string& text) {
    KioskConfig c = default_config();
    c.source = path;
    int line_no = 0;
    auto fail = [&](const std::string& what) { throw LoadError(path, line_no, what); };

    auto as_int = [&](const std::string& v, int lo, int hi) {
        size_t used = 0;
        int n = 0;
        try {
            n = std::stoi(v, &used);
        } catch (...) {
            used = 0;
        }
        if (used == 0 || used != v.size()) fail("\"" + v + "\" is not a whole number");
        if (n < lo || n > hi) fail(std::to_string(n) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return n;
    };
    auto as_inches = [&](const std::string& v) {
        size_t used = 0;
        double d = 0;
        try {
            d = std::stod(v, &used);
        } catch (...) {
            used = 0;
        }
        if (used == 0 || used != v.size()) fail("\"" + v + "\" is not a number of inches");
        if (d < 7 || d > 100) fail(v + " inches is outside 7..100");
        return d;
    };
    auto as_bool = [&](const std::string& v) {
        if (v == "true" || v == "yes" || v == "1") return true;
        if (v == "false" || v == "no" || v == "0") return false;
        fail("\"" + v + "\" is not true or false");
        return false;
    };
    auto as_id = [&](const std::string& v) {
        if (v.empty()) fail("value must not be empty");
        for (char ch : v)
            if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
                fail("\"" + v + "\" may only contain letters a-z, digits, '-', '_' and '.'");
        return v;
    };

    auto as_url = [&](const std::string& v) {
        if (std::string why = store_url_problem(v); !why.empty()) fail("store_url \"" + v + "\" " + why);
        return v.substr(0, v.find_last_not_of('/') + 1);  // "https://x/" and "https://x" alike
    };

    const std::map<std::string, std::function<void(const std::string&)>> setters = {
        {"kiosk_id", [&](const std::string& v) { c.kiosk_id = as_id(v); }},
        {"location", [&](const std::string& v) { c.location = v; }},
        {"idle_timeout_seconds", [&](const std::string& v) { c.idle_timeout_seconds = as_int(v, 5, 3600); }},
        {"countdown_seconds", [&](const std::string& v) { c.countdown_seconds = as_int(v, 3, 300); }},
        {"thanks_seconds", [&](const std::string& v) { c.thanks_seconds = as_int(v, 2, 120); }},
        {"fullscreen", [&](const std::string& v) { c.fullscreen = as_bool(v); }},
        {"monitor", [&](const std::string& v) { c.monitor = as_int(v, 0, 16); }},
        {"survey", [&](const std::string& v) { c.survey_file = v; }},
        {"districts", [&](const std::string& v) { c.districts_file = v; }},
        {"locales", [&](const std::string& v) { c.locales_dir = v; }},
        // "sv-easy", Lätt svenska's tag before issue 12, still names it (record/language_tag.h).
        {"default_language",
         [&](const std::string& v) { c.default_language = std::string(record::current_language_tag(as_id(v))); }},
        {"data_dir", [&](const std::string& v) { c.data_dir = v; }},
        {"export_dir",
         [&](const std::string& v) {
             if (v.empty() || v[0] != '/')
                 fail("export_dir \"" + v + "\" must be an absolute path (the stick's mount point)");
             c.export_dir = v;
         }},
        {"screen_diagonal_inches", [&](const std::string& v) { c.screen_diagonal_inches = as_inches(v); }},
        {"store_url", [&](const std::string& v) { c.store_url = as_url(v); }},
        {"token_file", [&](const std::string& v) { c.token_file = v; }},
        {"ca_bundle", [&](const std::string& v) { c.ca_bundle = v; }},
        {"pinned_public_key", [&](const std::string& v) { c.pinned_public_key = v; }},
        {"sync_batch_size", [&](const std::string& v) { c.sync_batch_size = as_int(v, 1, 1000); }},
        {"sync_connect_timeout_seconds",
         [&](const std::string& v) { c.sync_connect_timeout_seconds = as_int(v, 1, 300); }},
        {"sync_timeout_seconds", [&](const std::string& v) { c.sync_timeout_seconds = as_int(v, 1, 3600); }},
        {"sync_backoff_cap_seconds", [&](const std::string& v) { c.sync_backoff_cap_seconds = as_int(v, 1, 86400); }},
        {"burst_limit", [&](const std::string& v) { c.burst_limit = as_int(v, 1, 1000); }},
        // At most an hour: every answer is held this long before it is sent.
        {"burst_window", [&](const std::string& v) { c.burst_window_seconds = as_int(v, 0, 3600); }},
        {"night_hours",
         [&](const std::string& v) {
             std::string why;
             c.screen_care.night = parse_night_hours(v, why);
             if (!c.screen_care.night) fail("night_hours " + why);
         }},
        {"night_dim", [&](const std::string& v) { c.screen_care.dim_percent = as_int(v, 10, 90); }},
    };

    std::istringstream in(text);
    std::string raw;
    while (std::getline(in, raw)) {
        ++line_no;
        std::string line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string::npos) fail("expected \"key = value\", got \"" + line + "\"");
        std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        auto it = setters.find(key);
        if (it == setters.end()) {
            std::string known;
            for (const auto& [k, _] : setters) known += (known.empty() ? "" : ", ") + k;
            fail("unknown setting \"" + key + "\" (known: " + known + ")");
        }
        if (c.lines.count(key))
            fail("\"" + key + "\" is set twice (first on line " + std::to_string(c.lines[key]) + ")");
        it->second(value);
        c.lines[key] = line_no;
    }
    if (!c.store_url.empty() && c.token_file.empty()) {
        line_no = c.line_of("store_url");
        fail("store_url is set but token_file is not: the store needs this kiosk's token");
    }
    return c;
}

KioskConfig load_config(const std::string& path) { return parse_config(path, read_text_file(path)); }

}  // namespace lkp
