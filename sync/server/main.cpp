// lkp-store: receives the kiosks' answers over /v1 and keeps them in SQLite or PostgreSQL.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
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

#include "protocol/safe_text.h"
#include "server.h"
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

struct ServeArgs {
    StoreOptions store;
    std::string listen = "127.0.0.1:8080";
    std::string surveys = LKP_ASSET_DIR "/surveys";
    std::string districts = LKP_ASSET_DIR "/districts/helsingborg.json";
    std::string tls_cert, tls_key;
    std::size_t max_inflight = 32;
    server::KioskLimits kiosk;
    server::http::Limits http;
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
    auto backend = open_backend(a.store, o.http.workers);
    auto catalog = load_catalog(a.surveys, a.districts);
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

// One line per kiosk. A heartbeat's texts are the kiosk's (or whoever holds its token): they reach
// the terminal escaped (sync/protocol/safe_text.h), so they can neither add a line nor send escape
// codes to the operator's terminal.
int kiosk_list(const StoreOptions& store) {
    auto backend = open_backend(store, 1);
    for (const auto& k : backend->kiosks()) {
        std::cout << sync::for_terminal(k.name, 64) << "  created=" << k.created_at
                  << "  revoked=" << k.revoked_at.value_or("no");
        if (const auto& h = k.heartbeat)
            std::cout << "  version=" << sync::for_terminal(h->program_version, 64) << "  unsent=" << h->unsent
                      << "  rejected=" << h->rejected << "  oldest_unsent_age_s=" << or_dash(h->oldest_unsent_age_s)
                      << "  free_disk_bytes=" << or_dash(h->free_disk_bytes) << "  last_error=\""
                      << sync::for_terminal(h->last_error, 1000) << "\"  heartbeat_at=" << k.heartbeat_received_at;
        else
            std::cout << "  heartbeat=never";
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
    serve_cmd->add_option("--surveys", sv.surveys, "Folder of the survey files (*.json) answers are checked against")
        ->type_name("DIR")
        ->capture_default_str();
    serve_cmd->add_option("--districts", sv.districts, "The district list answers are checked against")
        ->type_name("FILE")
        ->capture_default_str();
    CLI::Option* cert =
        serve_cmd->add_option("--tls-cert", sv.tls_cert, "Serve HTTPS with this certificate (PEM)")->type_name("FILE");
    CLI::Option* key =
        serve_cmd->add_option("--tls-key", sv.tls_key, "The certificate's private key (PEM)")->type_name("FILE");
    cert->needs(key);
    key->needs(cert);
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
    CLI::App* list_cmd = kiosk_cmd->add_subcommand("list", "List the kiosks with their last heartbeat");
    commands.emplace_back(list_cmd, [&] { return kiosk_list(list_store); });
    add_store_options(*list_cmd, list_store);

    StoreOptions revoke_store;
    std::string revoke_name;
    CLI::App* revoke_cmd = kiosk_cmd->add_subcommand("revoke", "Stop accepting a kiosk's token");
    commands.emplace_back(revoke_cmd, [&] { return kiosk_revoke(revoke_store, revoke_name); });
    revoke_cmd->add_option("NAME", revoke_name, "The kiosk's name")->required()->type_name("");
    add_store_options(*revoke_cmd, revoke_store);

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
    } catch (const std::exception& e) {
        std::cerr << "lkp-store: " << e.what() << "\n";
        return 1;
    }
}
