// The real PostgreSQL and the real lkp-store binary for tests: see store_server.h.
#include "support/store_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "support/test_support.h"

namespace lkp::test {

namespace {

const std::string kPgBin = "/usr/lib/postgresql/15/bin/";
const std::string kClusterScript = LKP_SOURCE_DIR "/tests/support/postgres_cluster.sh";

std::string make_temp_dir(const char* prefix) {
    std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

std::vector<std::string> pg_column(const std::string& url, const std::string& sql) {
    PGconn* conn = PQconnectdb(url.c_str());
    std::unique_ptr<PGconn, decltype(&PQfinish)> guard(conn, PQfinish);
    if (PQstatus(conn) != CONNECTION_OK)
        throw std::runtime_error("cannot connect to " + url + ": " + PQerrorMessage(conn));
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn, sql.c_str()), PQclear);
    auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error(sql + ": " + PQerrorMessage(conn));
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0));
    return out;
}

std::vector<std::string> sqlite_column(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(db, sqlite3_close);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
        throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
    std::vector<std::string> out;
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        auto text = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        out.emplace_back(text ? text : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
    return out;
}

}  // namespace

std::string store_bin() {
    const char* other = std::getenv("LKP_TEST_STORE_BIN");
    return other && *other ? other : LKP_STORE_BIN;
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    close(fd);
    return ntohs(addr.sin_port);
}

// ---- PostgresCluster

bool PostgresCluster::available() {
    // Set to see that suites skip cleanly on a machine without PostgreSQL (CI machines may lack it).
    if (std::getenv("LKP_TEST_WITHOUT_POSTGRES")) return false;
    return exists(kPgBin + "initdb") && (geteuid() != 0 || getpwnam("postgres") != nullptr);
}

// The cluster a ctest run shares, or one of this process's own (a test program run by hand); both
// are made and removed by tests/support/postgres_cluster.sh.
PostgresCluster::PostgresCluster() {
    if (const char* shared = std::getenv("LKP_TEST_POSTGRES_DIR"); shared && exists(std::string(shared) + "/port")) {
        dir_ = shared;
        shared_ = true;
    } else {
        dir_ = make_temp_dir("lkp-pg");
        RunResult r = run({"bash", kClusterScript, "start", dir_});
        if (r.exit_code != 0 || !exists(dir_ + "/port"))
            throw std::runtime_error("cannot start PostgreSQL in " + dir_ + ": " + r.out + r.err);
    }
    port_ = std::stoi(read_file(dir_ + "/port"));
}

PostgresCluster::~PostgresCluster() {
    if (shared_) {
        // Each is a copy of template1 (about 8 MB): a few hundred tests would fill a small disk.
        for (const auto& name : databases_) {
            try {
                pg_column(url(), "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            } catch (const std::exception&) {
                // the cluster is removed whole when the ctest run ends
            }
        }
        return;
    }
    run({"bash", kClusterScript, "stop", dir_});
}

std::string PostgresCluster::url(const std::string& database) const {
    return "postgresql://lkp@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresCluster::create_database(const std::string& wanted) {
    // Test processes share one cluster under ctest: the process id keeps their names apart.
    std::string name = shared_ ? wanted + "_p" + std::to_string(getpid()) : wanted;
    pg_column(url(), "CREATE DATABASE \"" + name + "\"");
    databases_.push_back(name);
    return url(name);
}

// ---- StoreServer

StoreServer::StoreServer(StoreOptions options)
    : options_(std::move(options)), dir_(make_temp_dir("lkp-store")), port_(free_port()) {}

StoreServer::~StoreServer() {
    if (running()) kill9();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

bool StoreServer::tls() const {
    return std::find(options_.extra_args.begin(), options_.extra_args.end(), "--tls-cert") != options_.extra_args.end();
}

std::string StoreServer::url() const {
    return std::string(tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<std::string> StoreServer::db_args() const {
    if (options_.postgres_url.empty()) return {"--db", dir_ + "/store.db"};
    return {"--postgres", options_.postgres_url};
}

void StoreServer::start(const std::vector<std::string>& extra_env) {
    std::vector<std::string> argv = {store_bin(), "serve", "--listen", "127.0.0.1:" + std::to_string(port_)};
    for (const auto& a : db_args()) argv.push_back(a);
    for (const auto& a : options_.extra_args) argv.push_back(a);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    std::string log_path = dir_ + "/server.log";
    std::vector<std::string> env_strings = extra_env;  // made before fork: the child only execs
    for (char** e = environ; *e; ++e) env_strings.push_back(*e);
    std::vector<char*> env;
    for (auto& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);

    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execve(args[0], args.data(), env.data());
        _exit(127);
    }
    // Ready when /v1/health answers; a server that exits early fails at once with its log.
    httplib::Client client(url());
    client.enable_server_certificate_verification(false);
    client.set_connection_timeout(std::chrono::milliseconds(200));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("lkp-store exited at start-up:\n" + log());
        }
        if (auto res = client.Get("/v1/health"); res && res->status == 200) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill9();
    throw std::runtime_error("lkp-store did not answer /v1/health within 10 s:\n" + log());
}

void StoreServer::kill9() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void StoreServer::stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

StoreServer::CliResult StoreServer::cli(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {store_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const auto& a : db_args()) argv.push_back(a);
    RunResult r = run(argv);
    return {r.exit_code, r.out, r.err};
}

StoreServer::CliResult StoreServer::cli_with_input(const std::vector<std::string>& args,
                                                   const std::string& input) const {
    std::vector<std::string> argv = {store_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const auto& a : db_args()) argv.push_back(a);
    RunResult r = run_with_input(argv, input);
    return {r.exit_code, r.out, r.err};
}

std::string StoreServer::add_kiosk(const std::string& name) {
    CliResult r = cli({"kiosk", "add", name});
    if (r.exit_code != 0) throw std::runtime_error("lkp-store kiosk add failed: " + r.err);
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
}

std::vector<std::string> StoreServer::query(const std::string& sql) {
    if (options_.postgres_url.empty()) return sqlite_column(dir_ + "/store.db", sql);
    return pg_column(options_.postgres_url, sql);
}

void StoreServer::execute(const std::string& sql) {
    if (!options_.postgres_url.empty()) {
        pg_column(options_.postgres_url, sql);
        return;
    }
    Database db(dir_ + "/store.db", SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA busy_timeout=5000");
    db.exec(sql);
}

std::vector<std::string> StoreServer::response_ids(const std::string& kiosk) {
    for (char c : kiosk)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            throw std::invalid_argument("not a kiosk name: " + kiosk);
    return query("SELECT id FROM responses WHERE kiosk = '" + kiosk + "' ORDER BY id");
}

std::string StoreServer::log() const { return read_file(dir_ + "/server.log"); }

std::string StoreServer::log_once_it_holds(const std::string& text) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string now = log();
    while (now.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        now = log();
    }
    return now;
}

}  // namespace lkp::test
