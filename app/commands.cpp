// The headless commands: export, status, simulate, check-config. No window is opened.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "core/atomic_file.h"
#include "core/disk_space.h"
#include "core/kiosk_data.h"
#include "core/simulate.h"
#include "export/response_export.h"
#include "kiosk_db/kiosk_database.h"
#include "staff/staff_pin.h"
#include "ui/kiosk_ui.h"

namespace lkp {

namespace {

int fail(int code, const std::string& what) {
    std::fprintf(stderr, "lkp-kiosk: %s\n", what.c_str());
    return code;
}

}  // namespace

std::string data_dir(const DataOptions& args, const KioskConfig& config) {
    if (args.data_dir) return *args.data_dir;
    if (!config.data_dir.empty()) return config.data_dir;
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    return xdg && *xdg ? std::string(xdg) + "/lkp-kiosk" : std::string(home ? home : ".") + "/.local/share/lkp-kiosk";
}

std::optional<KioskData> load_data(const ConfigOptions& args) {
    try {
        // Staff mode's texts are not required: Swedish and English have them (staff_catalog()).
        return load_kiosk_data(args.config, ui_message_ids());
    } catch (const LoadError& e) {
        std::fprintf(stderr, "lkp-kiosk: %s\n", e.what());
        return std::nullopt;
    }
}

namespace {

// Reading commands must not create a database in a mistyped folder.
std::optional<KioskDatabase> open_existing(const std::string& dir) {
    auto db = KioskDatabase::open_existing(dir);
    if (!db)
        std::fprintf(stderr, "lkp-kiosk: no kiosk database at %s/%s (is --data-dir right?)\n", dir.c_str(),
                     kDatabaseFile);
    return db;
}

}  // namespace

// --format (csv or json) and a non-empty --out are checked by the command line.
int cmd_export(const ExportOptions& args) {
    auto data = load_data(args);
    if (!data) return kExitUsage;
    try {
        auto store = open_existing(data_dir(args, data->config));
        if (!store) return kExitFailure;
        auto responses = store->all_responses();
        write_file_atomically(args.out,
                              args.format == "csv" ? export_csv(responses, &data->survey) : export_json(responses));
        std::fprintf(stderr, "lkp-kiosk: wrote %zu responses to %s\n", responses.size(), args.out.c_str());
        return kExitOk;
    } catch (const std::exception& e) {
        return fail(kExitFailure, e.what());
    }
}

int cmd_status(const StatusOptions& args) {
    KioskConfig config = default_config();
    if (args.config) {
        try {
            config = load_config(*args.config);
        } catch (const LoadError& e) {
            return fail(kExitUsage, e.what());
        }
    }
    // Translations no native speaker has reviewed yet: staff should know before publishing.
    std::vector<std::string> unreviewed;
    try {
        Translations translations = Translations::load(config.locales_dir);
        for (const Catalog& c : translations.languages())
            if (!c.reviewed) unreviewed.push_back(c.language);
    } catch (const LoadError& e) {
        std::fprintf(stderr, "lkp-kiosk: warning: %s\n", e.what());
    }
    std::string dir = data_dir(args, config);
    std::optional<DiskSpace> disk = disk_space(dir);
    bool low_disk = disk && disk->free_bytes < kLowDiskBytes;
    const std::string disk_note =
        "the kiosk shows residents \"temporarily closed\" while it cannot store an answer, "
        "and opens again by itself once there is room";
    try {
        auto store = open_existing(dir);
        if (!store) return kExitFailure;
        KioskStatus s = store->status();
        OutboxStatus sent = store->outbox_status();
        std::vector<Rejection> rejected = store->rejections();
        auto or_null = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
        Json rejections = Json::array();
        for (const auto& r : rejected)
            rejections.push_back({{"code", r.code}, {"field", r.field}, {"reason", r.reason}, {"count", r.count}});
        double rate = s.sessions_started
                          ? 100.0 * static_cast<double>(s.sessions_completed) / static_cast<double>(s.sessions_started)
                          : 0.0;
        std::vector<std::string> quarantined = quarantined_databases(data_dir(args, config));
        Json audit = Json::array();
        std::vector<StaffAuditEntry> staff_actions = store->staff_audit(10);
        for (const auto& a : staff_actions) audit.push_back({{"at", a.at}, {"action", a.action}, {"detail", a.detail}});
        if (args.json) {
            Json j = {
                {"database", store->path()},
                {"responses", s.responses},
                {"synthetic", s.synthetic},
                {"test", s.test},
                {"unsent", sent.unsent},
                {"sync",
                 {{"rejected", sent.rejected},
                  {"rejections", rejections},
                  {"oldest_unsent_age_s", sent.oldest_unsent_age_s ? Json(*sent.oldest_unsent_age_s) : Json(nullptr)},
                  {"last_success_at", or_null(sent.last_success_at)},
                  {"last_error", or_null(sent.last_error)},
                  {"last_error_at", or_null(sent.last_error_at)}}},
                {"sessions",
                 {{"started", s.sessions_started},
                  {"completed", s.sessions_completed},
                  {"abandoned", s.sessions_abandoned},
                  {"abandoned_at", s.abandoned_at},
                  {"synthetic", s.synthetic_sessions}}},
                {"response_rate", s.sessions_started ? Json(rate / 100.0) : Json(nullptr)},
                {"first_submitted_at", s.first_submitted_at.empty() ? Json(nullptr) : Json(s.first_submitted_at)},
                {"last_submitted_at", s.last_submitted_at.empty() ? Json(nullptr) : Json(s.last_submitted_at)},
                {"unreviewed_languages", unreviewed},
                {"staff_audit", audit},
                {"quarantined_databases", quarantined},
                {"free_disk_bytes", disk ? Json(disk->free_bytes) : Json(nullptr)},
                {"low_disk", low_disk}};
            std::cout << j.dump(2) << "\n";
            return kExitOk;
        }
        std::printf("LKP Kiosk status: %s\n", store->path().c_str());
        std::printf("  responses stored     %lld (synthetic %lld, staff's test mode %lld)\n",
                    static_cast<long long>(s.responses), static_cast<long long>(s.synthetic),
                    static_cast<long long>(s.test));
        std::printf("  not yet sent         %lld", static_cast<long long>(sent.unsent));
        if (sent.oldest_unsent_age_s)
            std::printf(" (oldest waiting %lld min)", static_cast<long long>(*sent.oldest_unsent_age_s / 60));
        std::printf(
            "\n  rejected by store    %lld%s\n", static_cast<long long>(sent.rejected),
            sent.rejected ? " (kept here; once fixed, resend with: lkp-kiosk sync --once --requeue-rejected)" : "");
        for (const auto& r : rejected)
            std::printf("    %lld x %s%s%s: %s\n", static_cast<long long>(r.count), r.code.c_str(),
                        r.field.empty() ? "" : " ", r.field.c_str(), r.reason.c_str());
        std::printf("  last sync success    %s\n",
                    sent.last_success_at.empty() ? "never" : sent.last_success_at.c_str());
        if (!sent.last_error.empty())
            std::printf("  last sync error      %s: %s\n", sent.last_error_at.c_str(), sent.last_error.c_str());
        std::printf("  sessions started     %lld\n", static_cast<long long>(s.sessions_started));
        std::printf("           completed   %lld\n", static_cast<long long>(s.sessions_completed));
        std::printf("           abandoned   %lld\n", static_cast<long long>(s.sessions_abandoned));
        for (const auto& [step, n] : s.abandoned_at)
            std::printf("             at %-16s %lld\n", step.c_str(), static_cast<long long>(n));
        if (s.synthetic_sessions)
            std::printf("  synthetic sessions   %lld (from simulate; not in the response rate)\n",
                        static_cast<long long>(s.synthetic_sessions));
        if (s.sessions_started) std::printf("  response rate        %.1f %% of started sessions completed\n", rate);
        if (!s.first_submitted_at.empty())
            std::printf("  answers from         %s to %s\n", s.first_submitted_at.c_str(), s.last_submitted_at.c_str());
        for (const auto& q : quarantined)
            std::printf("  CORRUPT DATABASE moved aside, kept for recovery: %s\n", q.c_str());
        if (disk)
            std::printf("  free disk            %s of %s%s\n", human_bytes(disk->free_bytes).c_str(),
                        human_bytes(disk->total_bytes).c_str(), low_disk ? (": LOW; " + disk_note).c_str() : "");
        if (!staff_actions.empty()) {
            std::printf("  staff mode, last %zu  (newest first; all in the staff export)\n", staff_actions.size());
            for (const auto& a : staff_actions)
                std::printf("    %s  %-14s %s\n", a.at.c_str(), a.action.c_str(), a.detail.c_str());
        }
        if (!unreviewed.empty()) {
            std::printf("  not yet reviewed by a native speaker:");
            for (const auto& l : unreviewed) std::printf(" %s", l.c_str());
            std::printf("\n");
        }
        return kExitOk;
    } catch (const std::exception& e) {
        // SQLite cannot even open its journal on a full disk: say what that means for residents.
        if (low_disk)
            return fail(kExitFailure, std::string(e.what()) + "\nlkp-kiosk: the disk of " + dir + " is full (" +
                                          human_bytes(disk->free_bytes) + " free): " + disk_note);
        return fail(kExitFailure, e.what());
    }
}

// --count (1 to 10,000,000) and --seed (a whole number) are checked by the command line.
int cmd_simulate(const SimulateOptions& args) {
    auto data = load_data(args);
    if (!data) return kExitUsage;
    try {
        auto store = KioskDatabase::open(data_dir(args, data->config));
        SessionSettings settings = data->session_settings();
        settings.flags = {"synthetic"};
        Session session(data->survey, data->districts, settings);
        SimulationCounts n = simulate_sessions(session, args.seed, args.count, [&](const Outcome& o) {
            if (o.started) store.record_started(true);
            if (o.abandoned_at) store.record_abandoned(*o.abandoned_at, true);
            if (o.completed) {
                Response r = *o.completed;
                store.save(r);
            }
        });
        std::printf("simulated %d sessions: %d completed, %d abandoned\n", n.started, n.completed, n.abandoned);
        return kExitOk;
    } catch (const std::exception& e) {
        return fail(kExitFailure, e.what());
    }
}

int cmd_check_config(const CheckConfigOptions& args) {
    auto data = load_data(args);
    if (!data) return kExitUsage;
    std::printf("config %s: ok\n", data->config.source.c_str());
    std::printf("survey %s version %d: %zu questions (%s)\n", data->survey.id.c_str(), data->survey.version,
                data->survey.questions.size(), data->config.survey_file.c_str());
    std::printf("districts %s version %s: %zu districts (%s)\n", data->districts.list_id.c_str(),
                data->districts.version.c_str(), data->districts.districts.size(), data->config.districts_file.c_str());
    std::printf("languages (%s):", data->config.locales_dir.c_str());
    for (const auto& c : data->translations.languages())
        std::printf(" %s%s", c.language.c_str(), c.reviewed ? "" : "(unreviewed)");
    std::printf("\n");
    return kExitOk;
}

// The PIN comes on stdin (`echo 123456 | lkp-kiosk set-pin`, or typed), never on the command line,
// where `ps` would show it.
int cmd_set_pin(const SetPinOptions& args) {
    auto data = load_data(args);
    if (!data) return kExitUsage;
    std::string pin;
    if (!std::getline(std::cin, pin) || pin.empty())
        return fail(kExitUsage, "no PIN on stdin: echo PIN | lkp-kiosk set-pin");
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    if (auto problem = staff::pin_problem(pin)) return fail(kExitUsage, *problem);
    std::string dir = data_dir(args, data->config);
    try {
        std::filesystem::create_directories(dir);
        staff::write_pin_file(dir, staff::hash_pin(pin));
    } catch (const std::exception& e) {
        return fail(kExitFailure, e.what());
    }
    std::printf("staff PIN set in %s/%s (only its argon2id hash)\n", dir.c_str(), staff::kPinFile);
    return kExitOk;
}

}  // namespace lkp
