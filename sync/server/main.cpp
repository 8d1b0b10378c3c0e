// lkp-store: receives the kiosks' answers over /v1 and keeps them in SQLite or PostgreSQL.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/install_paths.h"
#include "exports.h"
#include "indicator_tables.h"
#include "protocol/safe_text.h"
#include "reference.h"
#include "server.h"
#include "staff/password_input.h"
#include "staff/staff_auth.h"
#include "tokens.h"

namespace {

using namespace lkp;

// Where the answers are kept: exactly one of --db FILE or --postgres URL.
struct StoreOptions {
    std::string db, postgres;
};

// A password on the command line shows in `ps` to every user of the machine; libpq reads it from
// the environment or a password file by itself.
const CLI::Validator kNoPassword(
    [](std::string& url) {
        return server::postgres_url_has_password(url)
                   ? "the URL holds a password, which every user of this machine can read in `ps`. Leave it "
                     "out: libpq reads it from PGPASSWORD or from a password file (~/.pgpass, or the file "
                     "PGPASSFILE names)"
                   : std::string();
    },
    "");

void add_store_options(CLI::App& cmd, StoreOptions& o) {
    CLI::Option* db = cmd.add_option("--db", o.db, "The store's SQLite file (created when missing)")->type_name("FILE");
    CLI::Option* pg = cmd.add_option("--postgres", o.postgres,
                                     "The store's PostgreSQL database, instead of --db (no password in it: "
                                     "use PGPASSWORD or ~/.pgpass)")
                          ->type_name("URL")
                          ->check(kNoPassword)
                          ->excludes(db);
    db->excludes(pg);
    // Neither given (or given empty) is refused too, once the command line is read.
    cmd.parse_complete_callback([&o] {
        if (o.db.empty() == o.postgres.empty())
            throw CLI::RequiredError("give exactly one of --db FILE or --postgres URL", CLI::ExitCodes::RequiredError);
    });
}

std::unique_ptr<server::StoreBackend> open_backend(const StoreOptions& o, std::size_t connections) {
    return o.db.empty() ? server::open_postgres(o.postgres, connections) : server::open_sqlite(o.db);
}

// "HOST:PORT" with a port from 1 to 65535, or nullopt.
std::optional<std::pair<std::string, int>> split_listen(const std::string& listen) {
    static const std::regex valid("(.+):([0-9]{1,5})");
    std::smatch m;
    if (!std::regex_match(listen, m, valid)) return std::nullopt;
    int port = std::stoi(m[2].str());
    if (port < 1 || port > 65535) return std::nullopt;
    return std::make_pair(m[1].str(), port);
}

const CLI::Validator kListen(
    [](std::string& s) {
        return split_listen(s) ? std::string() : "wants HOST:PORT with a port from 1 to 65535, not '" + s + "'";
    },
    "");

// Digits only, 1 to 2^64 - 1: unsigned conversion alone takes "-1" and too many digits.
const CLI::Validator kAtLeastOne(
    [](std::string& s) {
        bool ok = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
        try {
            ok = ok && std::stoull(s) >= 1;
        } catch (const std::out_of_range&) {
            ok = false;
        }
        return ok ? std::string() : "must be a whole number from 1 to 18446744073709551615, not '" + s + "'";
    },
    "");

const CLI::Validator kKioskName(
    [](std::string& s) {
        static const std::regex valid("[A-Za-z0-9._-]{1,64}");
        return std::regex_match(s, valid) ? std::string()
                                          : "kiosk name '" + s + "' must be 1-64 characters of A-Z a-z 0-9 . _ -";
    },
    "");

sync::SurveyCatalog load_catalog(const std::string& surveys_dir, const std::string& districts_file) {
    sync::SurveyCatalog catalog;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(surveys_dir))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) catalog.surveys.push_back(load_survey(f.string()));
    if (catalog.surveys.empty()) throw std::runtime_error(surveys_dir + ": no survey (*.json) found");
    catalog.districts = load_districts(districts_file);
    return catalog;
}

// Where answers are checked against: the survey files and the district list.
// Built in: the installed package's (/usr/share/lkp-store), else this build's checkout.
std::string built_in_assets() { return lkp::built_in_folder("lkp-store", "assets", LKP_ASSET_DIR); }

struct CatalogOptions {
    std::string surveys = built_in_assets() + "/surveys";
    std::string districts = built_in_assets() + "/districts/helsingborg.json";
    std::string locales = lkp::built_in_folder("lkp-store", "locales", LKP_LOCALE_DIR);
};

void add_catalog_options(CLI::App& cmd, CatalogOptions& o) {
    cmd.add_option("--surveys", o.surveys, "Folder of the survey files (*.json) answers are checked against")
        ->type_name("DIR")
        ->capture_default_str();
    cmd.add_option("--districts", o.districts, "The district list answers are checked against")
        ->type_name("FILE")
        ->capture_default_str();
    cmd.add_option("--locales", o.locales, "Folder of the translations (*.po): language names in exports")
        ->type_name("DIR")
        ->capture_default_str();
}

// Disclosure control: fewer answers than this are never shown; below 3 is refused, since two
// answers and one's own would reveal the third.
const CLI::Validator kMinCell(
    [](std::string& s) {
        bool ok = !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
        return ok && std::stoll(s) >= server::kLowestMinCell
                   ? std::string()
                   : "must be a whole number of at least " + std::to_string(server::kLowestMinCell) +
                         " (fewer answers could point at one resident), not '" + s + "'";
    },
    "");

// --stale-after MINUTES: from one minute to a week.
const CLI::Validator kStaleAfter(
    [](std::string& s) {
        bool ok = !s.empty() && s.size() < 6 && s.find_first_not_of("0123456789") == std::string::npos &&
                  std::stoi(s) >= 1 && std::stoi(s) <= 7 * 24 * 60;
        return ok ? std::string() : "must be a whole number of minutes from 1 to 10080 (a week), not '" + s + "'";
    },
    "");

void add_stale_after_option(CLI::App& cmd, server::FleetThresholds& t) {
    cmd.add_option_function<int>(
           "--stale-after", [&t](int minutes) { t.stale_after = std::chrono::minutes(minutes); },
           "Minutes without a heartbeat after which a kiosk counts as stale (default 60)")
        ->type_name("MINUTES")
        ->check(kStaleAfter);
}

struct ServeArgs {
    StoreOptions store;
    std::string listen = "127.0.0.1:8080";
    CatalogOptions catalog;
    std::string tls_cert, tls_key;
    std::string web_assets = built_in_assets() + "/web";
    std::size_t max_inflight = 32;
    std::int64_t min_cell = server::kDefaultMinCell;
    server::KioskLimits kiosk;
    server::http::Limits http;
    server::FleetThresholds fleet;
};

int serve(const ServeArgs& a) {
    server::ServeOptions o;
    std::tie(o.host, o.port) = *split_listen(a.listen);  // checked by the command line
    o.http = a.http;
    o.kiosk = a.kiosk;
    o.kiosk.burst = 2 * a.kiosk.requests_per_s;
    o.http.queue = a.max_inflight;
    o.http.workers = std::min<std::size_t>(a.max_inflight, 16);
    o.tls_cert = a.tls_cert;
    o.tls_key = a.tls_key;
    o.min_cell = a.min_cell;
    o.locales = a.catalog.locales;
    o.web_assets = a.web_assets;
    o.fleet = a.fleet;
    auto backend = open_backend(a.store, o.http.workers);
    auto catalog = load_catalog(a.catalog.surveys, a.catalog.districts);
    return server::serve(*backend, catalog, o);
}

int kiosk_add(const StoreOptions& store, const std::string& name) {
    auto backend = open_backend(store, 1);
    std::string token = server::new_token();
    if (backend->add_kiosk(name, server::token_hash(token), now_utc()) == server::KioskAdded::AgainAfterRevoke)
        std::cout << "Kiosk '" << name
                  << "' was revoked; it may send again with this new token (its old token stays revoked).\n";
    else
        std::cout << "Kiosk '" << name << "' added.\n";
    std::cout << "Put this token in the kiosk's sync settings; it is shown only now (the store keeps\n"
                 "only its hash). Lost it? Revoke the kiosk and add it again.\n"
              << token << "\n";
    return 0;
}

std::string or_dash(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

// "stale,last_error" or "-".
std::string joined(const std::vector<std::string>& codes) {
    std::string out;
    for (const auto& c : codes) out += (out.empty() ? "" : ",") + c;
    return out.empty() ? "-" : out;
}

// One line per kiosk. A heartbeat's texts are the kiosk's (or whoever holds its token): they reach
// the terminal escaped (sync/protocol/safe_text.h), so they can neither add a line nor send escape
// codes to the operator's terminal. The status and its reasons are the kiosk page's
// (fleet_health.h); skew_s is the heartbeat's received_at - sent_at, batch_skew_s the same of the
// last batch (its Kiosk-Sent-At), which decides whether its answers are flagged "clock";
// quarantined_databases the corrupt databases moved aside on the kiosk ("-": it did not say).
int kiosk_list(const StoreOptions& store, const server::FleetThresholds& thresholds) {
    auto backend = open_backend(store, 1);
    auto now = std::chrono::system_clock::now();
    for (const auto& k : backend->kiosks()) {
        server::KioskVerdict verdict = server::classify(k, thresholds, now);
        std::cout << sync::for_terminal(k.name, 64) << "  created=" << k.created_at
                  << "  revoked=" << k.revoked_at.value_or("no") << "  status=" << server::to_string(verdict.state)
                  << "  reasons=" << joined(verdict.reasons);
        if (const auto& h = k.heartbeat)
            std::cout << "  version=" << sync::for_terminal(h->program_version, 64) << "  unsent=" << h->unsent
                      << "  rejected=" << h->rejected << "  oldest_unsent_age_s=" << or_dash(h->oldest_unsent_age_s)
                      << "  free_disk_bytes=" << or_dash(h->free_disk_bytes)
                      << "  quarantined_databases=" << or_dash(h->quarantined_databases)
                      << "  skew_s=" << or_dash(server::clock_skew_s(k)) << "  last_error=\""
                      << sync::for_terminal(h->last_error, 1000) << "\"  heartbeat_at=" << k.heartbeat_received_at;
        else
            std::cout << "  heartbeat=never";
        std::cout << "  batch_skew_s=" << or_dash(server::batch_clock_skew_s(k));
        if (!k.batch_received_at.empty()) std::cout << "  batch_at=" << k.batch_received_at;
        std::cout << "\n";
    }
    return 0;
}

int kiosk_revoke(const StoreOptions& store, const std::string& name) {
    auto backend = open_backend(store, 1);
    if (!backend->revoke_kiosk(name, now_utc())) {
        std::cerr << "lkp-store: no kiosk named '" << name << "'\n";
        return 1;
    }
    std::cout << "Kiosk '" << name << "' revoked: its token no longer works.\n";
    return 0;
}

int status(const StoreOptions& store) {
    auto backend = open_backend(store, 1);
    auto counts = backend->response_counts();
    std::int64_t total = 0;
    for (const auto& c : counts) total += c.responses;
    std::cout << "responses " << total << "\n";
    for (const auto& c : counts) std::cout << "kiosk " << sync::for_terminal(c.kiosk, 64) << " " << c.responses << "\n";
    return 0;
}

int indicators_rebuild(const StoreOptions& store, const CatalogOptions& c) {
    auto backend = open_backend(store, 1);
    auto catalog = load_catalog(c.surveys, c.districts);
    std::int64_t rows = server::rebuild_indicator_sums(*backend, catalog);
    std::cout << "Indicator sums rebuilt from " << rows << " stored answers.\n";
    return 0;
}

int operator_add(const StoreOptions& store, const std::string& name) {
    auto backend = open_backend(store, 1);
    std::string token = server::new_token();
    bool again =
        backend->add_operator(name, server::token_hash(token), now_utc()) == server::KioskAdded::AgainAfterRevoke;
    backend->audit({now_utc(), "cli", again ? "operator re-added" : "operator added", name});
    std::cout << "Operator '" << name << "' " << (again ? "may read exports again" : "added")
              << ". Their token for the HTTP exports (Authorization: Bearer ...) is shown only now:\n"
              << token << "\n";
    return 0;
}

int operator_list(const StoreOptions& store) {
    auto backend = open_backend(store, 1);
    for (const auto& o : backend->operators())
        std::cout << sync::for_terminal(o.name, 64) << "  created=" << o.created_at
                  << "  revoked=" << o.revoked_at.value_or("no") << "\n";
    return 0;
}

int operator_revoke(const StoreOptions& store, const std::string& name) {
    auto backend = open_backend(store, 1);
    if (!backend->revoke_operator(name, now_utc())) {
        std::cerr << "lkp-store: no operator named '" << sync::for_terminal(name, 64) << "'\n";
        return 1;
    }
    backend->audit({now_utc(), "cli", "operator revoked", name});
    std::cout << "Operator '" << name << "' revoked: their token no longer works.\n";
    return 0;
}

int audit(const StoreOptions& store) {
    auto backend = open_backend(store, 1);
    for (const auto& e : backend->audit_log())
        std::cout << e.at << "  " << sync::for_terminal(e.actor, 64) << "  " << sync::for_terminal(e.action, 64) << "  "
                  << sync::for_terminal(e.detail, 1000) << "\n";
    return 0;
}

struct ReferenceArgs {
    StoreOptions store;
    CatalogOptions catalog;
    std::string file, title, indicator;
};

int reference_import(const ReferenceArgs& a) {
    auto catalog = load_catalog(a.catalog.surveys, a.catalog.districts);
    server::KoladaFile parsed = server::read_kolada_file(a.file);  // throws BadReferenceFile: exit 2
    if (!a.indicator.empty()) {
        bool known = false;
        for (const auto& s : catalog.surveys)
            for (const auto& i : s.indicators) known = known || i.id == a.indicator;
        if (!known)
            throw server::BadReferenceFile("--indicator '" + a.indicator + "' is no indicator of the survey files");
    }
    auto backend = open_backend(a.store, 1);
    std::size_t series = 0, values = 0;
    for (auto& [kpi, rows] : parsed.series) {
        server::ReferenceSeries s{.kpi = kpi,
                                  .title = a.title,
                                  .source = "Källa: Kolada",
                                  .note =
                                      "Mätt på annat sätt än kioskernas svar (t.ex. SCB:s medborgarundersökning); "
                                      "jämför nivåer med försiktighet.",
                                  .indicator = a.indicator,
                                  .imported_at = now_utc()};
        backend->store_reference(s, rows);
        ++series;
        values += rows.size();
    }
    backend->audit({now_utc(), "cli", "reference imported", a.file + " (" + std::to_string(values) + " values)"});
    std::cout << "Imported " << values << " values of " << series << " KPI" << (series == 1 ? "" : "s") << " from "
              << a.file << ".\n";
    return 0;
}

struct ExportArgs {
    StoreOptions store;
    CatalogOptions catalog;
    server::ExportRequest request;
    std::string format, out, period;
    std::int64_t min_cell = server::kDefaultMinCell;
};

// Who ran an export, for the audit log: the login of the operator at the terminal.
std::string cli_actor() {
    const passwd* pw = getpwuid(getuid());
    return std::string("cli:") + (pw ? pw->pw_name : std::to_string(getuid()));
}

int export_table(const std::string& what, ExportArgs& a) {
    std::string format = a.format;
    if (format.empty()) format = std::filesystem::path(a.out).extension().string().substr(a.out.empty() ? 0 : 1);
    auto f = tables::format_named(format);
    if (!f) throw server::BadExportRequest(400, "--format must be csv, xlsx or json (or --out ending in one of them)");
    if (!a.period.empty()) a.request.period = server::period_named(a.period);
    auto catalog = load_catalog(a.catalog.surveys, a.catalog.districts);
    server::check_export(catalog, a.request);
    auto backend = open_backend(a.store, 1);
    auto out = tables::open_writer(*f, a.out);
    std::int64_t rows;
    if (what == "indicators") {
        server::IndicatorTables tables(*backend, catalog.districts, a.min_cell);
        rows = server::export_indicators(tables, *backend, catalog, a.request, *out, cli_actor());
    } else {
        rows = server::export_responses(*backend, catalog, server::read_language_names(a.catalog.locales), a.request,
                                        *out, cli_actor());
    }
    std::cout << "Wrote " << rows << " rows to " << a.out << ".\n";
    return 0;
}

// ---- Staff login accounts (issue 10, item 2): `lkp-store staff add|list|remove|passwd` ----

const CLI::Validator kStaffName([](std::string& s) { return server::staff::staff_name_problem(s).value_or(""); }, "");

struct StaffArgs {
    StoreOptions store;
    std::string name;
    bool admin = false, generate = false;
};

// A changed account is audited as the terminal's user.
server::staff::Actor cli_staff_actor() { return {cli_actor(), "terminal"}; }

// A bad password or name (BadStaffInput) is bad usage: exit 2, nothing stored.
int staff_command(const std::function<int()>& run) {
    try {
        return run();
    } catch (const server::staff::BadStaffInput& e) {
        std::cerr << "lkp-store: " << e.what() << "\nNothing was changed.\n";
        return 2;
    }
}

void print_generated(const server::staff::NewPassword& p) {
    if (!p.generated) return;
    std::cout << "Their password is shown only now (the store keeps only its argon2id hash):\n" << p.password << "\n";
}

int staff_add(const StaffArgs& a) {
    auto password = server::staff::read_new_password(a.name, a.generate);  // before the store opens
    auto backend = open_backend(a.store, 1);
    server::staff::StaffAuth auth(*backend);
    auto added = auth.add(a.name, password.password, a.admin, cli_staff_actor(), std::chrono::system_clock::now());
    std::cout << "Staff member '" << a.name << "' "
              << (added == server::StaffAdded::AgainAfterRemove ? "had been removed and is added again" : "added")
              << (a.admin ? " as an admin" : "") << ".\n";
    print_generated(password);
    return 0;
}

int staff_passwd(const StaffArgs& a) {
    auto password = server::staff::read_new_password(a.name, a.generate);
    auto backend = open_backend(a.store, 1);
    server::staff::StaffAuth auth(*backend);
    if (!auth.change_password(a.name, password.password, cli_staff_actor(), std::chrono::system_clock::now())) {
        std::cerr << "lkp-store: no member of staff named '" << a.name << "'; nothing was changed\n";
        return 1;
    }
    std::cout << "Password of '" << a.name << "' changed; every session of theirs has ended.\n";
    print_generated(password);
    return 0;
}

int staff_remove(const StaffArgs& a) {
    auto backend = open_backend(a.store, 1);
    server::staff::StaffAuth auth(*backend);
    if (!auth.remove(a.name, cli_staff_actor(), std::chrono::system_clock::now())) {
        std::cerr << "lkp-store: no member of staff named '" << a.name << "'\n";
        return 1;
    }
    std::cout << "Staff member '" << a.name << "' removed; every session of theirs has ended.\n";
    return 0;
}

// One line per member; names are checked when added, but a database can be edited by hand.
int staff_list(const StaffArgs& a) {
    auto backend = open_backend(a.store, 1);
    server::staff::StaffAuth auth(*backend);
    for (const auto& m : auth.list(std::chrono::system_clock::now()))
        std::cout << sync::for_terminal(m.name, 64) << "  admin=" << (m.admin ? "yes" : "no")
                  << "  created=" << m.created_at << "  last_login=" << m.last_login_at.value_or("never")
                  << "  sessions=" << m.active_sessions << "  removed=" << m.removed_at.value_or("no") << "\n";
    return 0;
}

void add_staff_commands(CLI::App& app, std::vector<std::pair<CLI::App*, std::function<int()>>>& commands,
                        std::vector<StaffArgs>& args) {
    CLI::App* staff_cmd = app.add_subcommand("staff", "Manage who may log in to the store's staff pages");
    staff_cmd->require_subcommand(1);
    const std::string password_rules =
        "The password is read from stdin: one line when stdin is no terminal, else typed twice without echo. "
        "With --generate, or when nothing is given, a random one is made and printed once. At least 12 "
        "characters.";
    struct Command {
        const char* name;
        std::string help;
        bool takes_name, takes_password;
        int (*run)(const StaffArgs&);
    };
    const Command list[] = {
        {"add", "Add a member of staff who may log in (password from stdin, or made and printed once)", true, true,
         staff_add},
        {"list", "List the staff: admin, created, last login, active sessions", false, false, staff_list},
        {"remove", "Remove a member of staff; their sessions end at once", true, false, staff_remove},
        {"passwd", "Give a member of staff a new password; their sessions end at once", true, true, staff_passwd},
    };
    args.resize(std::size(list));
    for (std::size_t i = 0; i < std::size(list); ++i) {
        const Command& c = list[i];
        StaffArgs& a = args[i];
        CLI::App* cmd = staff_cmd->add_subcommand(c.name, c.help);
        auto run = c.run;
        commands.emplace_back(cmd, [&a, run] { return staff_command([&] { return run(a); }); });
        if (c.takes_name)
            cmd->add_option("NAME", a.name, "The member's name: 1-64 characters of A-Z a-z 0-9 . _ -")
                ->required()
                ->type_name("")
                ->check(kStaffName);
        if (std::string(c.name) == "add") cmd->add_flag("--admin", a.admin, "May manage kiosk tokens and staff");
        if (c.takes_password) {
            cmd->add_flag("--generate", a.generate, "Make a random password and print it once; stdin is not read");
            cmd->footer(password_rules + "\n\n" + app.get_footer());
        }
        add_store_options(*cmd, a.store);
    }
}
// ---- end of staff login accounts ----

// Bad usage: one line naming the problem, and where to read about the command. A word
// nothing took (a mistyped option) is named first: the rest of what went wrong follows from it.
int usage_error(const CLI::App& app, const CLI::ParseError& e) {
    std::string path = app.get_name();  // the deepest command given: "lkp-store kiosk add"
    for (const CLI::App* a = &app; !a->get_subcommands().empty();) {
        a = a->get_subcommands().front();
        path += " " + a->get_name();
    }
    std::vector<std::string> extras = app.remaining(true);
    std::string what = extras.empty() ? e.what() : CLI::ExtrasError(extras).what();
    std::cerr << "lkp-store: " << what << "\n(see " << path << " --help)\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    // The store's files hold every answer: new ones (the SQLite file, its -wal and -shm) are the
    // owner's alone, whatever umask lkp-store was started with. An existing file keeps its mode
    // (an operator may have chosen one); its -wal and -shm follow that mode minus this mask.
    umask(077);
    CLI::App app("lkp-store: receives the kiosks' answers over /v1 and keeps them in SQLite or PostgreSQL.",
                 "lkp-store");
    const std::string exit_status = "Exit status: 0 success, 1 the work failed, 2 bad usage.";
    app.footer(exit_status);  // the commands inherit it
    app.require_subcommand(1);
    std::vector<std::pair<CLI::App*, std::function<int()>>> commands;

    ServeArgs sv;
    CLI::App* serve_cmd = app.add_subcommand("serve", "Answer the kiosks over HTTP(S) until SIGTERM or SIGINT");
    commands.emplace_back(serve_cmd, [&] { return serve(sv); });
    serve_cmd->add_option("--listen", sv.listen, "Address and port to listen on")
        ->type_name("HOST:PORT")
        ->capture_default_str()
        ->check(kListen);
    add_store_options(*serve_cmd, sv.store);
    add_catalog_options(*serve_cmd, sv.catalog);
    serve_cmd
        ->add_option("--min-cell", sv.min_cell,
                     "Figures of fewer answers than this are never published (nor any that would reveal them)")
        ->type_name("N")
        ->capture_default_str()
        ->check(kMinCell);
    CLI::Option* cert =
        serve_cmd->add_option("--tls-cert", sv.tls_cert, "Serve HTTPS with this certificate (PEM)")->type_name("FILE");
    CLI::Option* key =
        serve_cmd->add_option("--tls-key", sv.tls_key, "The certificate's private key (PEM)")->type_name("FILE");
    cert->needs(key);
    key->needs(cert);
    serve_cmd->add_option("--web-assets", sv.web_assets, "Folder of the web pages' stylesheet (site.css)")
        ->type_name("DIR")
        ->capture_default_str();
    serve_cmd->add_option("--max-inflight", sv.max_inflight, "Batches processed at once; more are answered 429")
        ->type_name("N")
        ->capture_default_str()
        ->check(kAtLeastOne);
    serve_cmd->add_option("--kiosk-max-inflight", sv.kiosk.in_flight, "Requests one kiosk may have in progress at once")
        ->type_name("N")
        ->capture_default_str()
        ->check(kAtLeastOne);
    serve_cmd->add_option("--kiosk-rate", sv.kiosk.requests_per_s, "Requests per second one kiosk may send, on average")
        ->type_name("N")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    serve_cmd
        ->add_option("--max-connections-per-address", sv.http.per_address,
                     "Connections one client address may hold open; more are refused")
        ->type_name("N")
        ->capture_default_str()
        ->check(kAtLeastOne);
    serve_cmd
        ->add_option("--idle-timeout", sv.http.idle_timeout_s,
                     "Seconds a connection may stay silent before it is closed")
        ->type_name("S")
        ->capture_default_str()
        ->check(CLI::Range(1u, 3600u));
    add_stale_after_option(*serve_cmd, sv.fleet);

    StoreOptions st;
    CLI::App* status_cmd = app.add_subcommand("status", "Count the stored answers, in all and per kiosk");
    commands.emplace_back(status_cmd, [&] { return status(st); });
    add_store_options(*status_cmd, st);

    CLI::App* kiosk_cmd = app.add_subcommand("kiosk", "Manage the kiosks allowed to send answers");
    kiosk_cmd->require_subcommand(1);

    StoreOptions add_store;
    std::string add_name;
    CLI::App* add_cmd = kiosk_cmd->add_subcommand("add", "Allow a new kiosk and print its token (shown only once)");
    commands.emplace_back(add_cmd, [&] { return kiosk_add(add_store, add_name); });
    add_cmd->add_option("NAME", add_name, "The kiosk's name: 1-64 characters of A-Z a-z 0-9 . _ -")
        ->required()
        ->type_name("")
        ->check(kKioskName);
    add_store_options(*add_cmd, add_store);

    StoreOptions list_store;
    server::FleetThresholds list_thresholds;
    CLI::App* list_cmd =
        kiosk_cmd->add_subcommand("list",
                                  "List the kiosks with their last heartbeat, status (ok, stale, failing, "
                                  "revoked) and its reasons");
    commands.emplace_back(list_cmd, [&] { return kiosk_list(list_store, list_thresholds); });
    add_store_options(*list_cmd, list_store);
    add_stale_after_option(*list_cmd, list_thresholds);

    StoreOptions revoke_store;
    std::string revoke_name;
    CLI::App* revoke_cmd = kiosk_cmd->add_subcommand("revoke", "Stop accepting a kiosk's token");
    commands.emplace_back(revoke_cmd, [&] { return kiosk_revoke(revoke_store, revoke_name); });
    revoke_cmd->add_option("NAME", revoke_name, "The kiosk's name")->required()->type_name("");
    add_store_options(*revoke_cmd, revoke_store);

    CLI::App* indicators_cmd = app.add_subcommand("indicators", "Work on the indicator sums");
    indicators_cmd->require_subcommand(1);
    StoreOptions rebuild_store;
    CatalogOptions rebuild_catalog;
    CLI::App* rebuild_cmd = indicators_cmd->add_subcommand(
        "rebuild",
        "Add up every stored answer again (batches wait meanwhile); serve does it by itself when the "
        "survey files' indicators change");
    commands.emplace_back(rebuild_cmd, [&] { return indicators_rebuild(rebuild_store, rebuild_catalog); });
    add_store_options(*rebuild_cmd, rebuild_store);
    add_catalog_options(*rebuild_cmd, rebuild_catalog);

    CLI::App* operator_cmd =
        app.add_subcommand("operator", "Manage who may download exports over HTTP (until the staff login exists)");
    operator_cmd->require_subcommand(1);
    StoreOptions op_add_store, op_list_store, op_revoke_store;
    std::string op_add_name, op_revoke_name;
    CLI::App* op_add = operator_cmd->add_subcommand("add", "Add an operator and print their token (shown only once)");
    commands.emplace_back(op_add, [&] { return operator_add(op_add_store, op_add_name); });
    op_add->add_option("NAME", op_add_name, "The operator's name: 1-64 characters of A-Z a-z 0-9 . _ -")
        ->required()
        ->type_name("")
        ->check(kKioskName);
    add_store_options(*op_add, op_add_store);
    CLI::App* op_list = operator_cmd->add_subcommand("list", "List the operators");
    commands.emplace_back(op_list, [&] { return operator_list(op_list_store); });
    add_store_options(*op_list, op_list_store);
    CLI::App* op_revoke = operator_cmd->add_subcommand("revoke", "Stop accepting an operator's token");
    commands.emplace_back(op_revoke, [&] { return operator_revoke(op_revoke_store, op_revoke_name); });
    op_revoke->add_option("NAME", op_revoke_name, "The operator's name")->required()->type_name("");
    add_store_options(*op_revoke, op_revoke_store);

    StoreOptions audit_store;
    CLI::App* audit_cmd = app.add_subcommand("audit", "Show the audit log: every export and change of who may read");
    commands.emplace_back(audit_cmd, [&] { return audit(audit_store); });
    add_store_options(*audit_cmd, audit_store);

    CLI::App* reference_cmd = app.add_subcommand("reference", "Reference series to compare the kiosks' figures with");
    reference_cmd->require_subcommand(1);
    ReferenceArgs ref;
    CLI::App* import_cmd = reference_cmd->add_subcommand(
        "import", "Import a data file in Kolada's published JSON shape (e.g. downloaded from Kolada)");
    commands.emplace_back(import_cmd, [&] { return reference_import(ref); });
    import_cmd->add_option("FILE", ref.file, "Kolada JSON: {\"values\": [{\"kpi\", \"period\", \"values\": [...]}]}")
        ->required()
        ->type_name("")
        ->check(CLI::ExistingFile);
    import_cmd->add_option("--title", ref.title, "What the series measures, as shown beside the kiosks' figures")
        ->required()
        ->type_name("TEXT");
    import_cmd->add_option("--indicator", ref.indicator, "The survey indicator it is compared with")->type_name("ID");
    add_store_options(*import_cmd, ref.store);
    add_catalog_options(*import_cmd, ref.catalog);

    CLI::App* export_cmd = app.add_subcommand("export", "Write indicator tables or raw responses to a file");
    export_cmd->require_subcommand(1);
    ExportArgs ex_ind, ex_resp;
    for (auto [name, args, help] :
         {std::tuple{"indicators", &ex_ind,
                     "The indicators per district, gender and period, after disclosure control, "
                     "with the reference series"},
          std::tuple{"responses", &ex_resp,
                     "The raw responses (no token or address; dates only, unless --exact-times)"}}) {
        CLI::App* cmd = export_cmd->add_subcommand(name, help);
        std::string what = name;
        ExportArgs* chosen = args;  // clang 14 cannot capture a structured binding
        commands.emplace_back(cmd, [what, chosen] { return export_table(what, *chosen); });
        cmd->add_option("--format", args->format,
                        "csv (Swedish Excel: ; and decimal comma), xlsx or json; by default "
                        "from the --out file's extension")
            ->type_name("FORMAT");
        cmd->add_option("--out", args->out, "The file to write (written whole or not at all)")
            ->required()
            ->type_name("FILE");
        cmd->add_option("--from", args->request.from_day, "First day (Stockholm), e.g. 2026-01-01")->type_name("DATE");
        cmd->add_option("--to", args->request.to_day, "Last day (Stockholm), e.g. 2026-12-31")->type_name("DATE");
        cmd->add_option("--district", args->request.district, "Only this district (and, for indicators, the city)")
            ->type_name("CODE");
        cmd->add_option("--survey", args->request.survey_id, "The survey id (default: the newest with indicators)")
            ->type_name("ID");
        cmd->add_flag("--include-flagged", args->request.include_flagged,
                      "Include answers flagged test, synthetic or suspect (and, in indicators, burst: "
                      "responses have those anyway, flagged)");
        if (what == "responses")
            cmd->add_flag("--exact-times", args->request.exact_times,
                          "Keep the time of day (it can point at a resident seen at the kiosk)");
        if (what == "indicators") {
            cmd->add_option("--period", args->period, "year, half, quarter or month (default: all four)")
                ->type_name("KIND")
                ->check(CLI::IsMember({"year", "half", "quarter", "month"}));
            cmd->add_option("--min-cell", args->min_cell, "Figures of fewer answers are not shown")
                ->type_name("N")
                ->capture_default_str()
                ->check(kMinCell);
        }
        add_store_options(*cmd, args->store);
        add_catalog_options(*cmd, args->catalog);
    }

    // Staff login accounts (issue 10, item 2).
    std::vector<StaffArgs> staff_args;
    add_staff_commands(app, commands, staff_args);

    app.footer(exit_status + "\nRun 'lkp-store COMMAND --help' for a command's options.");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help
        return usage_error(app, e);
    }
    try {
        for (const auto& [cmd, action] : commands)
            if (cmd->parsed()) return action();
        return 2;  // not reached: CLI11 requires a command
    } catch (const server::BadExportRequest& e) {
        std::cerr << "lkp-store: " << e.what() << "\n";
        return 2;
    } catch (const server::BadReferenceFile& e) {
        std::cerr << "lkp-store: " << e.what() << "\nNothing was stored.\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "lkp-store: " << e.what() << "\n";
        return 1;
    }
}
