// lkp-store: receives the kiosks' answers over /v1 and keeps them in SQLite or PostgreSQL.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "server.h"
#include "tokens.h"

namespace {

using namespace lkp;

const char* const kUsage = R"(usage:
  lkp-store serve [--listen HOST:PORT] (--db FILE | --postgres URL) [--surveys DIR]
                  [--districts FILE] [--tls-cert FILE --tls-key FILE] [--max-inflight N]
  lkp-store kiosk add NAME (--db FILE | --postgres URL)
  lkp-store kiosk list (--db FILE | --postgres URL)
  lkp-store kiosk revoke NAME (--db FILE | --postgres URL)
  lkp-store status (--db FILE | --postgres URL)
)";

// Bad command line: exit code 2 with the usage.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Positional words and --option values; every option takes one value.
struct Args {
    std::vector<std::string> words;
    std::map<std::string, std::string> options;

    std::string take(const std::string& name, const std::string& fallback = "") {
        auto it = options.find(name);
        if (it == options.end()) return fallback;
        std::string v = it->second;
        options.erase(it);
        return v;
    }
    void expect_no_more() const {
        if (!options.empty()) throw UsageError("unknown option --" + options.begin()->first);
    }
};

Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) != 0) {
            a.words.push_back(s);
            continue;
        }
        if (i + 1 >= argc) throw UsageError(s + " needs a value");
        a.options[s.substr(2)] = argv[++i];
    }
    return a;
}

std::unique_ptr<server::StoreBackend> open_backend(Args& a, std::size_t connections) {
    std::string db = a.take("db"), pg = a.take("postgres");
    if (db.empty() == pg.empty()) throw UsageError("give exactly one of --db FILE or --postgres URL");
    return db.empty() ? server::open_postgres(pg, connections) : server::open_sqlite(db);
}


void check_kiosk_name(const std::string& name) {
    static const std::regex valid("[A-Za-z0-9._-]{1,64}");
    if (!std::regex_match(name, valid))
        throw UsageError("kiosk name '" + name + "' must be 1-64 characters of A-Z a-z 0-9 . _ -");
}

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

int serve(Args& a) {
    server::ServeOptions o;
    std::string listen = a.take("listen", "127.0.0.1:8080");
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) throw UsageError("--listen wants HOST:PORT, not '" + listen + "'");
    o.host = listen.substr(0, colon);
    try {
        o.port = std::stoi(listen.substr(colon + 1));
        o.max_inflight = std::stoul(a.take("max-inflight", "32"));
    } catch (const std::exception&) {
        throw UsageError("--listen's port and --max-inflight must be numbers");
    }
    if (o.port <= 0 || o.port > 65535 || o.max_inflight == 0) throw UsageError("port or --max-inflight out of range");
    o.tls_cert = a.take("tls-cert");
    o.tls_key = a.take("tls-key");
    if (o.tls_cert.empty() != o.tls_key.empty()) throw UsageError("--tls-cert and --tls-key go together");
    std::string surveys = a.take("surveys", LKP_ASSET_DIR "/surveys");
    std::string districts = a.take("districts", LKP_ASSET_DIR "/districts/helsingborg.json");
    auto backend = open_backend(a, std::min<std::size_t>(o.max_inflight, 16));
    a.expect_no_more();
    auto catalog = load_catalog(surveys, districts);
    return server::serve(*backend, catalog, o);
}

int kiosk_add(Args& a, const std::string& name) {
    check_kiosk_name(name);
    auto backend = open_backend(a, 1);
    a.expect_no_more();
    std::string token = server::new_token();
    backend->add_kiosk(name, server::token_hash(token), now_utc());
    std::cout << "Kiosk '" << name << "' added. Put this token in the kiosk's sync settings; it is shown only\n"
                 "now (the store keeps only its hash). Lost it? Revoke the kiosk and add it again.\n"
              << token << "\n";
    return 0;
}

std::string or_dash(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

int kiosk_list(Args& a) {
    auto backend = open_backend(a, 1);
    a.expect_no_more();
    for (const auto& k : backend->kiosks()) {
        std::cout << k.name << "  created=" << k.created_at << "  revoked=" << k.revoked_at.value_or("no");
        if (const auto& h = k.heartbeat)
            std::cout << "  version=" << h->program_version << "  unsent=" << h->unsent << "  rejected=" << h->rejected
                      << "  oldest_unsent_age_s=" << or_dash(h->oldest_unsent_age_s)
                      << "  free_disk_bytes=" << or_dash(h->free_disk_bytes) << "  last_error=\"" << h->last_error
                      << "\"  heartbeat_at=" << k.heartbeat_received_at;
        else
            std::cout << "  heartbeat=never";
        std::cout << "\n";
    }
    return 0;
}

int kiosk_revoke(Args& a, const std::string& name) {
    auto backend = open_backend(a, 1);
    a.expect_no_more();
    if (!backend->revoke_kiosk(name, now_utc())) {
        std::cerr << "lkp-store: no kiosk named '" << name << "'\n";
        return 1;
    }
    std::cout << "Kiosk '" << name << "' revoked: its token no longer works.\n";
    return 0;
}

int status(Args& a) {
    auto backend = open_backend(a, 1);
    a.expect_no_more();
    auto counts = backend->response_counts();
    std::int64_t total = 0;
    for (const auto& c : counts) total += c.responses;
    std::cout << "responses " << total << "\n";
    for (const auto& c : counts) std::cout << "kiosk " << c.kiosk << " " << c.responses << "\n";
    return 0;
}

int run(Args& a) {
    const auto& w = a.words;
    if (w.size() == 1 && w[0] == "serve") return serve(a);
    if (w.size() == 1 && w[0] == "status") return status(a);
    if (w.size() == 3 && w[0] == "kiosk" && w[1] == "add") return kiosk_add(a, w[2]);
    if (w.size() == 2 && w[0] == "kiosk" && w[1] == "list") return kiosk_list(a);
    if (w.size() == 3 && w[0] == "kiosk" && w[1] == "revoke") return kiosk_revoke(a, w[2]);
    throw UsageError(w.empty() ? "no command given" : "unknown command '" + w[0] + "'");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Args args = parse_args(argc, argv);
        return run(args);
    } catch (const UsageError& e) {
        std::cerr << "lkp-store: " << e.what() << "\n" << kUsage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "lkp-store: " << e.what() << "\n";
        return 1;
    }
}
