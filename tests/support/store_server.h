#pragma once
// The real parts sync tests talk to: a throwaway PostgreSQL cluster from Debian's postgresql
// package, and the real lkp-store binary on a free loopback port (SQLite or PostgreSQL backend).
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lkp::test {

// initdb + pg_ctl in a temp folder, run as the postgres user (PostgreSQL refuses root), on a
// free loopback port. Stopped and removed when the object goes away. Under ctest it is the one
// cluster of the run instead (LKP_TEST_POSTGRES_DIR, tests/support/postgres_cluster.sh), and
// only the databases this object created are dropped.
class PostgresCluster {
  public:
    PostgresCluster();
    ~PostgresCluster();
    PostgresCluster(const PostgresCluster&) = delete;
    // postgresql://lkp@127.0.0.1:PORT/DB; each call with a new name creates a fresh database.
    std::string url(const std::string& database = "postgres") const;
    std::string create_database(const std::string& wanted);  // returns its url
    static bool available();                                 // Debian's PostgreSQL 15 binaries are installed

  private:
    std::string dir_;
    int port_ = 0;
    bool shared_ = false;
    std::vector<std::string> databases_;
};

struct StoreOptions {
    std::string postgres_url;             // empty: SQLite in the server's own temp folder
    std::vector<std::string> extra_args;  // passed to `lkp-store serve`
};

// One lkp-store: its database lives as long as this object; the process can be killed with
// SIGKILL and started again on the same port and database.
class StoreServer {
  public:
    explicit StoreServer(StoreOptions options = {});
    ~StoreServer();
    StoreServer(const StoreServer&) = delete;

    // Returns once GET /v1/health answers. `extra_env` ("NAME=value") is added to the server's
    // environment (the power-loss test runs it under an LD_PRELOAD shim).
    void start(const std::vector<std::string>& extra_env = {});
    void kill9();  // SIGKILL, then waits for the process to be gone
    void stop();   // SIGTERM, waits
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }  // -1 when not running
    int port() const { return port_; }
    std::string url() const;                   // http://127.0.0.1:PORT
    std::vector<std::string> db_args() const;  // {"--db", FILE} or {"--postgres", URL}

    // `lkp-store kiosk add NAME`: returns the token (the last line of its output).
    std::string add_kiosk(const std::string& name);
    // Response ids stored for a kiosk, read straight from the database (not through the server).
    std::vector<std::string> response_ids(const std::string& kiosk);
    // The first column of every row of `sql` (no parameters: tests only), read straight from the database.
    std::vector<std::string> query(const std::string& sql);
    // A statement that changes the database, run straight on it (query() opens SQLite read-only).
    void execute(const std::string& sql);
    // `lkp-store ARGS... --db/--postgres ...`, e.g. {"kiosk", "revoke", "k1"}.
    struct CliResult {
        int exit_code;
        std::string out, err;
    };
    CliResult cli(const std::vector<std::string>& args) const;
    // The same with `input` as its stdin (e.g. a password for `staff add`).
    CliResult cli_with_input(const std::vector<std::string>& args, const std::string& input) const;
    bool tls() const;  // started with --tls-cert: url() is https://
    const std::string& dir() const { return dir_; }
    std::string log() const;  // the server's stderr so far
    // The access log line is written once the answer has gone out, so a client can see its answer
    // before the line exists: wait (up to 10 s) until the log holds `text`, then return it.
    std::string log_once_it_holds(const std::string& text) const;

  private:
    StoreOptions options_;
    std::string dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// The lkp-store binary tests run: $LKP_TEST_STORE_BIN when set (to try the tests on another
// build, e.g. an older release), else the one built with the tests.
std::string store_bin();

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests run one per port).
int free_port();

}  // namespace lkp::test
