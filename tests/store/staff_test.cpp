// Staff login (issue 10, item 2) on SQLite and PostgreSQL: the real `lkp-store staff ...` commands
// for the accounts, and StaffAuth on a real store database for logins, sessions, the delay after
// wrong passwords, CSRF and the cookie. Times are passed in, so no test sleeps through an expiry.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <latch>
#include <limits>
#include <thread>

#include "schema_rollback.h"
#include "staff/login_delay.h"
#include "staff/passwords.h"
#include "staff/secrets.h"
#include "staff/session_cookie.h"
#include "staff/staff_auth.h"
#include "store_backend.h"
#include "store_fixture.h"
#include "tokens.h"

namespace lkp::test {
namespace {

using namespace std::chrono_literals;
using server::staff::LoginResult;
using server::staff::StaffAuth;
using server::staff::StaffAuthOptions;
using Outcome = LoginResult::Outcome;
using Time = server::staff::Time;

const std::string kAlicePassword = "correct horse battery";
const std::string kBobPassword = "tr0ub4dor&3-plus";

std::string last_line(std::string out) {
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
}

bool holds(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Like StoreTest, but no server runs: the CLI and the library open the database themselves.
class StaffTest : public StoreTest {
  protected:
    void SetUp() override {
        if (GetParam() == Backend::Postgres) {
            if (!PostgresCluster::available()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
            if (!cluster_) cluster_ = std::make_unique<PostgresCluster>();
            static std::atomic<int> n{0};
            postgres_url_ = cluster_->create_database("s" + std::to_string(getpid()) + "_" + std::to_string(++n));
        }
        server_ = std::make_unique<StoreServer>(StoreOptions{.postgres_url = postgres_url_});
    }

    bool postgres() const { return GetParam() == Backend::Postgres; }
    std::string sqlite_file() const { return server_->db_args()[1]; }

    std::unique_ptr<server::StoreBackend> open_store() {
        return postgres() ? server::open_postgres(postgres_url_, 2) : server::open_sqlite(sqlite_file());
    }

    // `lkp-store staff ARGS... --db/--postgres ...` with `input` as its stdin.
    StoreServer::CliResult staff(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), "staff");
        return server_->cli_with_input(args, input);
    }

    // alice (password kAlicePassword) and bob (admin, kBobPassword), added by the real CLI.
    void add_alice_and_bob() {
        auto a = staff({"add", "alice"}, kAlicePassword + "\n");
        ASSERT_EQ(a.exit_code, 0) << a.err;
        auto b = staff({"add", "bob", "--admin"}, kBobPassword + "\n");
        ASSERT_EQ(b.exit_code, 0) << b.err;
    }

    std::string audit() { return server_->cli({"audit"}).out; }

    // Every byte the store keeps: the SQLite file and its WAL; on PostgreSQL every row of the
    // staff tables and the audit log as text.
    std::string everything_stored() {
        if (!postgres()) return read_file(sqlite_file()) + read_file(sqlite_file() + "-wal");
        std::string all;
        for (const char* table : {"staff", "staff_sessions", "login_failures", "audit"})
            for (const auto& row : server_->query(std::string("SELECT CAST(t AS TEXT) FROM ") + table + " t"))
                all += row + "\n";
        return all;
    }

    const Time t0 = std::chrono::system_clock::now();
};

// ---- the CLI ----

TEST_P(StaffTest, AddListPasswdAndRemoveThroughTheCli) {
    add_alice_and_bob();
    auto list = staff({"list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(holds(list.out, "alice  admin=no  created=")) << list.out;
    EXPECT_TRUE(holds(list.out, "bob  admin=yes  created=")) << list.out;
    EXPECT_TRUE(holds(list.out, "last_login=never  sessions=0  removed=no")) << list.out;

    auto store = open_store();
    StaffAuth auth(*store);
    auto alice = auth.login("alice", kAlicePassword, "10.0.0.1", t0);
    ASSERT_TRUE(alice.ok()) << alice.message();
    EXPECT_FALSE(alice.member.admin);
    auto bob = auth.login("bob", kBobPassword, "10.0.0.2", t0);
    ASSERT_TRUE(bob.ok()) << bob.message();
    EXPECT_TRUE(bob.member.admin);
    list = staff({"list"});
    EXPECT_TRUE(holds(list.out, "sessions=1")) << list.out;
    EXPECT_FALSE(holds(list.out, "last_login=never")) << list.out;

    const std::string new_password = "a new password for alice";
    auto passwd = staff({"passwd", "alice"}, new_password + "\n");
    ASSERT_EQ(passwd.exit_code, 0) << passwd.err;
    EXPECT_FALSE(auth.session(alice.session_id, "10.0.0.1", t0 + 1s)) << "a new password ends the sessions";
    EXPECT_EQ(auth.login("alice", kAlicePassword, "10.0.0.1", t0 + 1s).outcome, Outcome::WrongNameOrPassword);
    EXPECT_TRUE(auth.login("alice", new_password, "10.0.0.1", t0 + 1s).ok());

    auto removed = staff({"remove", "bob"});
    ASSERT_EQ(removed.exit_code, 0) << removed.err;
    EXPECT_FALSE(auth.session(bob.session_id, "10.0.0.2", t0 + 1s)) << "removing ends the sessions";
    EXPECT_EQ(auth.login("bob", kBobPassword, "10.0.0.2", t0 + 1s).outcome, Outcome::WrongNameOrPassword);
    list = staff({"list"});
    EXPECT_TRUE(holds(list.out, "bob  admin=yes")) << list.out;
    EXPECT_FALSE(holds(list.out.substr(list.out.find("bob")), "removed=no")) << list.out;

    std::string log = audit();
    for (const char* action : {"staff added  alice from terminal", "staff added  bob (admin) from terminal",
                               "staff password changed  alice", "staff removed  bob", "login  logged in from 10.0.0.1"})
        EXPECT_TRUE(holds(log, action)) << action << " missing in:\n" << log;
    EXPECT_TRUE(holds(log, "cli:")) << "the terminal's user is the actor:\n" << log;

    // Removed, then added again: a new password, and the old one stays dead.
    auto again = staff({"add", "bob"}, "bob is back again!\n");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_TRUE(holds(again.out, "added again")) << again.out;
    EXPECT_EQ(auth.login("bob", kBobPassword, "10.0.0.3", t0 + 2s).outcome, Outcome::WrongNameOrPassword);
    EXPECT_TRUE(auth.login("bob", "bob is back again!", "10.0.0.3", t0 + 2s).ok());
}

TEST_P(StaffTest, BadNamesAndShortPasswordsAreRefusedWithExit2AndNothingStored) {
    auto short_password = staff({"add", "carol"}, "elevenchars\n");
    EXPECT_EQ(short_password.exit_code, 2);
    EXPECT_TRUE(holds(short_password.err, "11 characters; it needs at least 12")) << short_password.err;
    // Twelve characters, 24 bytes: counted as characters.
    auto swedish = staff({"add", "dora"}, "åäöåäöåäöåäö\n");
    EXPECT_EQ(swedish.exit_code, 0) << swedish.err;
    auto tab = staff({"add", "erik"}, "with a\ttab inside\n");
    EXPECT_EQ(tab.exit_code, 2);
    EXPECT_TRUE(holds(tab.err, "control character")) << tab.err;
    auto two_lines = staff({"add", "fia"}, "first line is long\nsecond line\n");
    EXPECT_EQ(two_lines.exit_code, 2);
    EXPECT_TRUE(holds(two_lines.err, "more than one line")) << two_lines.err;

    for (const std::string& name :
         std::vector<std::string>{"", "a b", std::string(65, 'x'), "x/y", "ålla", "<script>"}) {
        auto r = staff({"add", name}, kAlicePassword + "\n");
        EXPECT_EQ(r.exit_code, 2) << name;
        EXPECT_TRUE(holds(r.err, "must be 1-64 characters of A-Z a-z 0-9 . _ -")) << r.err;
    }
    auto bad_flag = staff({"add", "gus", "--admn"}, kAlicePassword + "\n");
    EXPECT_EQ(bad_flag.exit_code, 2);

    auto list = staff({"list"});
    EXPECT_FALSE(holds(list.out, "carol") || holds(list.out, "erik") || holds(list.out, "fia") ||
                 holds(list.out, "gus"))
        << list.out;

    ASSERT_EQ(staff({"add", "alice"}, kAlicePassword + "\n").exit_code, 0);
    auto twice = staff({"add", "alice"}, "another password!\n");
    EXPECT_EQ(twice.exit_code, 1);
    EXPECT_TRUE(holds(twice.err, "already exists")) << twice.err;
    auto short_passwd = staff({"passwd", "alice"}, "too short\n");
    EXPECT_EQ(short_passwd.exit_code, 2);
    auto unknown = staff({"passwd", "nobody"}, kAlicePassword + "\n");
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_TRUE(holds(unknown.err, "no member of staff named 'nobody'")) << unknown.err;
    EXPECT_EQ(staff({"remove", "nobody"}).exit_code, 1);

    auto store = open_store();
    StaffAuth auth(*store);
    EXPECT_TRUE(auth.login("alice", kAlicePassword, "10.0.0.1", t0).ok()) << "refusals changed nothing";
    if (!postgres()) {  // the store's file stays the owner's alone
        struct stat st {};
        ASSERT_EQ(stat(sqlite_file().c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u);
    }
}

TEST_P(StaffTest, EmptyStdinOrGenerateMakesAPasswordShownOnce) {
    auto added = staff({"add", "alice"}, "");
    ASSERT_EQ(added.exit_code, 0) << added.err;
    std::string made = last_line(added.out);
    EXPECT_EQ(made.size(), 24u) << added.out;
    EXPECT_TRUE(holds(added.out, "shown only now")) << added.out;

    auto generated = staff({"add", "bob", "--generate"}, "stdin is not read with --generate\n");
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    std::string bobs = last_line(generated.out);
    EXPECT_EQ(bobs.size(), 24u);
    EXPECT_NE(bobs, made);

    auto passwd = staff({"passwd", "alice"}, "\n");
    ASSERT_EQ(passwd.exit_code, 0) << passwd.err;
    std::string new_one = last_line(passwd.out);
    EXPECT_EQ(new_one.size(), 24u);

    auto given = staff({"passwd", "bob"}, kBobPassword + "\n");
    EXPECT_FALSE(holds(given.out, kBobPassword)) << "a password given is never printed";

    auto store = open_store();
    StaffAuth auth(*store);
    EXPECT_EQ(auth.login("alice", made, "10.0.0.1", t0).outcome, Outcome::WrongNameOrPassword);
    EXPECT_TRUE(auth.login("alice", new_one, "10.0.0.1", t0).ok());
    EXPECT_TRUE(auth.login("bob", kBobPassword, "10.0.0.1", t0).ok());
}

// What a terminal shows while `lkp-store staff ...` runs on it, and how it ended.
struct TerminalRun {
    int exit_code = -1;
    std::string screen;
};

// Runs argv on a new pseudo-terminal (its controlling terminal, stdin, stdout and stderr) and
// types each answer once its prompt has appeared on the screen.
TerminalRun run_at_terminal(const std::vector<std::string>& argv,
                            const std::vector<std::pair<std::string, std::string>>& prompts_and_answers) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) throw std::runtime_error("no pseudo-terminal");
    std::string slave = ptsname(master);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int fd = open(slave.c_str(), O_RDWR);
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        close(master);
        execv(args[0], args.data());
        _exit(127);
    }
    TerminalRun r;
    std::size_t answered = 0, searched_from = 0;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{master, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            char buffer[1024];
            ssize_t got = read(master, buffer, sizeof buffer);
            if (got <= 0) break;  // EIO: the program is gone and the terminal closed
            r.screen.append(buffer, static_cast<std::size_t>(got));
        }
        if (answered < prompts_and_answers.size()) {
            std::size_t at = r.screen.find(prompts_and_answers[answered].first, searched_from);
            if (at != std::string::npos) {
                std::string line = prompts_and_answers[answered].second + "\n";
                if (write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
                    throw std::runtime_error("cannot type on the pseudo-terminal");
                searched_from = at + 1;
                ++answered;
            }
        }
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == 0) kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(master);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

TEST_P(StaffTest, AtATerminalThePasswordIsAskedTwiceAndNeverShown) {
    auto command = [&](const std::string& name) {
        std::vector<std::string> argv = {store_bin(), "staff", "add", name};
        for (const auto& a : server_->db_args()) argv.push_back(a);
        return argv;
    };
    auto differ = run_at_terminal(
        command("alice"), {{"New password for alice", kAlicePassword}, {"The same again", kAlicePassword + "x"}});
    EXPECT_EQ(differ.exit_code, 2) << differ.screen;
    EXPECT_TRUE(holds(differ.screen, "the two passwords differ")) << differ.screen;

    auto added = run_at_terminal(command("alice"),
                                 {{"New password for alice", kAlicePassword}, {"The same again", kAlicePassword}});
    EXPECT_EQ(added.exit_code, 0) << added.screen;
    EXPECT_TRUE(holds(added.screen, "Staff member 'alice' added")) << added.screen;
    EXPECT_FALSE(holds(added.screen, kAlicePassword)) << "echoed:\n" << added.screen;
    EXPECT_FALSE(holds(differ.screen, kAlicePassword)) << "echoed:\n" << differ.screen;

    auto store = open_store();
    StaffAuth auth(*store);
    EXPECT_TRUE(auth.login("alice", kAlicePassword, "10.0.0.1", t0).ok());
}

// The store migrated from schema 6 (main before staff login) gains the staff tables.
TEST_P(StaffTest, StoreOfSchemaSixGainsTheStaffTables) {
    ASSERT_EQ(server_->cli({"status"}).exit_code, 0);  // a current store
    roll_back_schema(6, [this](const std::string& sql) { server_->execute(sql); });
    ASSERT_EQ(staff({"add", "alice"}, kAlicePassword + "\n").exit_code, 0);
    EXPECT_EQ(server_->query("SELECT value FROM meta WHERE key = 'schema_version'"),
              std::vector<std::string>{std::to_string(server::kServerSchemaVersion)});
    EXPECT_EQ(server_->query("SELECT name FROM staff"), std::vector<std::string>{"alice"});
}

// ---- logins and the delay ----

TEST_P(StaffTest, PasswordIsNeverStoredOrAuditedInClear) {
    add_alice_and_bob();
    const std::string wrong = "a wrong guess of alice";
    const std::string changed = "alice changed it today";
    auto store = open_store();
    StaffAuth auth(*store);
    auto session = auth.login("alice", kAlicePassword, "10.0.0.1", t0);
    ASSERT_TRUE(session.ok());
    EXPECT_EQ(auth.login("alice", wrong, "10.0.0.1", t0).outcome, Outcome::WrongNameOrPassword);
    EXPECT_EQ(auth.login("nobody", wrong, "10.0.0.1", t0).outcome, Outcome::WrongNameOrPassword);
    ASSERT_TRUE(auth.change_password("alice", changed, {"test", "10.0.0.9"}, t0));
    store.reset();  // SQLite: everything checkpointed or in the WAL, which is read too

    std::string stored = everything_stored();
    ASSERT_FALSE(stored.empty());
    for (const std::string& secret : {kAlicePassword, kBobPassword, wrong, changed, session.session_id})
        EXPECT_FALSE(holds(stored, secret)) << "stored in clear: " << secret;
    std::string log = audit();
    for (const std::string& secret : {kAlicePassword, kBobPassword, wrong, changed, session.session_id})
        EXPECT_FALSE(holds(log, secret)) << "in the audit log: " << secret;
    for (const auto& hash : server_->query("SELECT password_hash FROM staff"))
        EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << hash;
    EXPECT_EQ(server_->query("SELECT id_hash FROM staff_sessions"), std::vector<std::string>{})
        << "the new password ended alice's session";
}

TEST_P(StaffTest, WrongNameOrPasswordIsRefusedWithOneMessageAndAudited) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    auto wrong = auth.login("alice", "not alice's password", "10.0.0.1", t0);
    auto unknown = auth.login("mallory", kAlicePassword, "10.0.0.2", t0);
    auto nonsense = auth.login("<script>alert(1)</script>", kAlicePassword, "10.0.0.3", t0);
    for (const auto* r : {&wrong, &unknown, &nonsense}) {
        EXPECT_EQ(r->outcome, Outcome::WrongNameOrPassword);
        EXPECT_EQ(r->message(), "Wrong name or password.");
        EXPECT_TRUE(r->session_id.empty() && r->csrf_token.empty());
    }
    EXPECT_EQ(server_->query("SELECT count(*) FROM staff_sessions").at(0), "0");
    std::string log = audit();
    EXPECT_TRUE(holds(log, "staff:alice  login failed  wrong password from 10.0.0.1")) << log;
    EXPECT_TRUE(holds(log, "staff:mallory  login failed  unknown name from 10.0.0.2")) << log;
    EXPECT_TRUE(holds(log, "login failed  not a staff name from 10.0.0.3")) << log;
    EXPECT_FALSE(holds(log, "not alice's password")) << log;

    auto right = auth.login("alice", kAlicePassword, "10.0.0.4", t0);
    ASSERT_TRUE(right.ok());
    EXPECT_TRUE(server::staff::looks_like_secret(right.session_id));
    EXPECT_TRUE(server::staff::looks_like_secret(right.csrf_token));
    EXPECT_NE(right.session_id, right.csrf_token);
    EXPECT_TRUE(holds(audit(), "staff:alice  login  logged in from 10.0.0.4"));
}

// An unknown name is checked against a dummy hash: it costs as much as a wrong password, so the
// time of the answer does not tell which names exist.
TEST_P(StaffTest, UnknownNameTakesAsLongAsAWrongPassword) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    auth.login("warm-up", "makes the dummy hash", "10.1.0.1", t0);
    auto fastest = [&](const std::string& name, int first_address) {
        auto best = std::chrono::steady_clock::duration::max();
        for (int i = 0; i < 3; ++i) {  // three failures are free: no delay in the way
            auto start = std::chrono::steady_clock::now();
            auto r = auth.login(name + (name == "alice" ? "" : std::to_string(i)), "wrong password!",
                                "10.1.1." + std::to_string(first_address + i), t0);
            EXPECT_EQ(r.outcome, Outcome::WrongNameOrPassword);
            best = std::min(best, std::chrono::steady_clock::now() - start);
        }
        return best;
    };
    auto known = fastest("alice", 0);
    auto unknown = fastest("nobody", 10);
    EXPECT_GT(unknown, known / 2) << "unknown " << std::chrono::duration<double>(unknown).count() << " s, known "
                                  << std::chrono::duration<double>(known).count() << " s";
}

TEST(StaffLoginDelay, FreeThenDoublingUpToFifteenMinutes) {
    using server::staff::delay_after;
    EXPECT_EQ(delay_after(0), 0s);
    EXPECT_EQ(delay_after(2), 0s);
    EXPECT_EQ(delay_after(3), 1s);
    EXPECT_EQ(delay_after(4), 2s);
    EXPECT_EQ(delay_after(5), 4s);
    EXPECT_EQ(delay_after(12), 512s);
    EXPECT_EQ(delay_after(13), 900s);  // 1,024 s capped
    EXPECT_EQ(delay_after(64), 900s);
    EXPECT_EQ(delay_after(std::numeric_limits<std::int64_t>::max()), 900s);
}

// Wrong passwords for one account from ever new addresses: the account's own delay grows, and it
// is still there after the store is closed and opened again.
TEST_P(StaffTest, DelayGrowsPerAccountAndSurvivesAReopen) {
    add_alice_and_bob();
    auto store = open_store();
    auto auth = std::make_unique<StaffAuth>(*store);
    int address = 0;
    auto attempt = [&](const std::string& password, Time at) {
        return auth->login("alice", password, "10.2.0." + std::to_string(++address), at);
    };
    for (int i = 0; i < 2; ++i) EXPECT_EQ(attempt("wrong password!", t0).wait, 0s);
    auto third = attempt("wrong password!", t0);
    EXPECT_EQ(third.outcome, Outcome::WrongNameOrPassword);
    EXPECT_EQ(third.wait, 1s);
    EXPECT_EQ(third.message(), "Wrong name or password. Try again in 1 s.");

    auto locked = attempt(kAlicePassword, t0 + 500ms);  // even the right password waits
    EXPECT_EQ(locked.outcome, Outcome::Locked);
    EXPECT_EQ(locked.wait, 1s);
    EXPECT_TRUE(locked.session_id.empty());
    EXPECT_EQ(attempt("wrong password!", t0 + 1s).wait, 2s);  // heard: the fourth failure
    EXPECT_EQ(attempt("wrong password!", t0 + 2s).outcome, Outcome::Locked);

    auth.reset();
    store = open_store();  // as after a restart of the store
    auth = std::make_unique<StaffAuth>(*store);
    auto after_restart = attempt(kAlicePassword, t0 + 2s);
    EXPECT_EQ(after_restart.outcome, Outcome::Locked);
    EXPECT_EQ(after_restart.wait, 1s);
    EXPECT_TRUE(holds(audit(), "staff:alice  login refused  locked from 10.2.0.")) << audit();

    EXPECT_TRUE(attempt(kAlicePassword, t0 + 3s).ok());
    EXPECT_EQ(attempt("wrong password!", t0 + 3s).wait, 0s) << "a success starts the account afresh";
    EXPECT_TRUE(auth->login("bob", kBobPassword, "10.2.1.1", t0 + 3s).ok()) << "other accounts never waited";
}

// Wrong passwords from one address for ever new names: the address waits, for every name, while
// the same names from elsewhere do not; a success does not clear the address's count.
TEST_P(StaffTest, DelayGrowsPerAddressAndASuccessDoesNotClearIt) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    const std::string attacker = "192.0.2.66";
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(auth.login("guess" + std::to_string(i), "wrong password!", attacker, t0).outcome,
                  Outcome::WrongNameOrPassword);
    auto locked = auth.login("bob", kBobPassword, attacker, t0);
    EXPECT_EQ(locked.outcome, Outcome::Locked);
    EXPECT_TRUE(auth.login("bob", kBobPassword, "10.3.0.1", t0).ok()) << "another address is not delayed";

    EXPECT_TRUE(auth.login("alice", kAlicePassword, attacker, t0 + 1s).ok());
    auto next = auth.login("guess9", "wrong password!", attacker, t0 + 1s);
    EXPECT_EQ(next.wait, 2s) << "the address's count went on from three";
}

// Failures a day old are forgotten: counted from one again, and their rows deleted now and then.
TEST_P(StaffTest, FailuresADayOldAreForgotten) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuthOptions never_sweeps;
    never_sweeps.sweep_interval = 1000h;  // after the first call: the counters stay for the test to see
    StaffAuth auth(*store, never_sweeps);
    auth.login("bob", "wrong password!", "10.4.0.2", t0);
    for (int i = 0; i < 6; ++i) auth.login("alice", "wrong password!", "10.4.0.1", t0 + i * 1min);
    EXPECT_EQ(auth.login("alice", kAlicePassword, "10.4.0.1", t0 + 5min + 1s).outcome, Outcome::Locked);
    EXPECT_EQ(server_->query("SELECT count(*) FROM login_failures").at(0), "4");

    Time tomorrow = t0 + 25h;
    EXPECT_EQ(auth.login("alice", "wrong password!", "10.4.0.1", tomorrow).wait, 0s);
    EXPECT_EQ(server_->query("SELECT failures FROM login_failures WHERE key = 'account:alice'"),
              std::vector<std::string>{"1"})
        << "counted from one again";

    StaffAuthOptions sweeps;
    sweeps.sweep_interval = 1s;
    StaffAuth sweeping(*store, sweeps);
    sweeping.session("", "10.4.0.1", tomorrow + 2s);  // any call sweeps, once the interval is past
    EXPECT_EQ(server_->query("SELECT key FROM login_failures ORDER BY key"),
              (std::vector<std::string>{"account:alice", "address:10.4.0.1"}))
        << "bob's and 10.4.0.2's day-old counters are deleted";
}

// Eight guesses at once from one address: each is checked only after the one before was counted,
// so no more get a password check than the free three.
TEST_P(StaffTest, ParallelGuessesAreNotAllChecked) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    std::vector<LoginResult> results(8);
    std::latch go(results.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            results[i] = auth.login("alice", "guess number " + std::to_string(i), "192.0.2.7", t0);
        });
    for (auto& t : threads) t.join();
    std::size_t checked = 0;
    for (const auto& r : results) checked += r.outcome == Outcome::WrongNameOrPassword;
    EXPECT_GE(checked, 1u);
    EXPECT_LE(checked, 3u);
    EXPECT_EQ(server_->query("SELECT failures FROM login_failures WHERE key = 'address:192.0.2.7'"),
              std::vector<std::string>{std::to_string(checked)});
}

// A hash made with weaker limits (an older lkp-store, or a hand-made row) is replaced at the next
// login, which has the password.
TEST_P(StaffTest, AWeakerHashIsReplacedAtLogin) {
    add_alice_and_bob();
    char weak[crypto_pwhash_STRBYTES];
    ASSERT_EQ(sodium_init() >= 0, true);
    ASSERT_EQ(crypto_pwhash_str(weak, kAlicePassword.data(), kAlicePassword.size(), crypto_pwhash_OPSLIMIT_MIN,
                                crypto_pwhash_MEMLIMIT_MIN),
              0);
    server_->execute(std::string("UPDATE staff SET password_hash = '") + weak + "' WHERE name = 'alice'");
    ASSERT_TRUE(server::staff::needs_rehash(weak));

    auto store = open_store();
    StaffAuth auth(*store);
    auto session = auth.login("alice", kAlicePassword, "10.5.0.1", t0);
    ASSERT_TRUE(session.ok());
    std::string now_stored = server_->query("SELECT password_hash FROM staff WHERE name = 'alice'").at(0);
    EXPECT_NE(now_stored, weak);
    EXPECT_FALSE(server::staff::needs_rehash(now_stored)) << now_stored;
    EXPECT_TRUE(auth.session(session.session_id, "10.5.0.1", t0 + 1s)) << "a rehash keeps the sessions";
    EXPECT_TRUE(auth.login("alice", kAlicePassword, "10.5.0.1", t0 + 1s).ok());
}

// ---- sessions ----

TEST_P(StaffTest, ForgedMalformedAndLoggedOutSessionsAreRefused) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    auto alice = auth.login("alice", kAlicePassword, "10.6.0.1", t0);
    ASSERT_TRUE(alice.ok());
    auto session = auth.session(alice.session_id, "10.6.0.1", t0 + 1s);
    ASSERT_TRUE(session);
    EXPECT_EQ(session->member.name, "alice");
    EXPECT_FALSE(session->member.admin);
    EXPECT_EQ(session->csrf_token, alice.csrf_token);

    std::string altered = alice.session_id;
    altered[10] = altered[10] == 'A' ? 'B' : 'A';
    for (const std::string& forged :
         {std::string(), std::string("garbage"), server::staff::new_secret(), altered, alice.session_id + "x",
          alice.csrf_token, server::token_hash(alice.session_id), alice.session_id.substr(1)})
        EXPECT_FALSE(auth.session(forged, "10.6.0.1", t0 + 1s)) << forged;

    auth.logout(altered, "10.6.0.1", t0 + 2s);  // a forged logout ends nothing
    EXPECT_TRUE(auth.session(alice.session_id, "10.6.0.1", t0 + 2s));
    auth.logout(alice.session_id, "10.6.0.1", t0 + 2s);
    EXPECT_FALSE(auth.session(alice.session_id, "10.6.0.1", t0 + 3s));
    EXPECT_EQ(server_->query("SELECT count(*) FROM staff_sessions").at(0), "0");
    EXPECT_TRUE(holds(audit(), "staff:alice  logout  logged out from 10.6.0.1"));
}

TEST_P(StaffTest, IdleAndAbsoluteExpiryEndSessions) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuthOptions two_minutes_idle;
    two_minutes_idle.idle_expiry = 2min;
    two_minutes_idle.absolute_expiry = 1h;
    StaffAuth idle_auth(*store, two_minutes_idle);
    auto idle = idle_auth.login("alice", kAlicePassword, "10.7.0.1", t0);
    EXPECT_TRUE(idle_auth.session(idle.session_id, "10.7.0.1", t0 + 100s));
    EXPECT_TRUE(idle_auth.session(idle.session_id, "10.7.0.1", t0 + 200s)) << "each use restarts the idle time";
    EXPECT_FALSE(idle_auth.session(idle.session_id, "10.7.0.1", t0 + 321s)) << "idle for more than 2 min";
    EXPECT_FALSE(idle_auth.session(idle.session_id, "10.7.0.1", t0 + 200s)) << "an expired session is gone";

    StaffAuthOptions five_minutes_in_all;
    five_minutes_in_all.idle_expiry = 2min;
    five_minutes_in_all.absolute_expiry = 5min;
    StaffAuth absolute_auth(*store, five_minutes_in_all);
    auto busy = absolute_auth.login("bob", kBobPassword, "10.7.0.2", t0);
    for (auto at : {90s, 180s, 270s, 299s})
        EXPECT_TRUE(absolute_auth.session(busy.session_id, "10.7.0.2", t0 + at)) << at.count();
    EXPECT_FALSE(absolute_auth.session(busy.session_id, "10.7.0.2", t0 + 301s)) << "older than 5 min, though in use";
    EXPECT_EQ(server_->query("SELECT count(*) FROM staff_sessions").at(0), "0") << "expired sessions are deleted";

    // The defaults: 30 minutes idle, 12 hours in all.
    StaffAuth defaults(*store);
    EXPECT_EQ(defaults.options().idle_expiry, 30min);
    EXPECT_EQ(defaults.options().absolute_expiry, 12h);
    auto day = defaults.login("alice", kAlicePassword, "10.7.0.3", t0);
    Time at = t0;
    for (int i = 0; i < 26; ++i) {
        at += 29min;
        EXPECT_EQ(static_cast<bool>(defaults.session(day.session_id, "10.7.0.3", at)), at - t0 <= 12h)
            << "after " << std::chrono::duration_cast<std::chrono::minutes>(at - t0).count() << " min";
    }
    auto quiet = defaults.login("alice", kAlicePassword, "10.7.0.3", t0);
    EXPECT_FALSE(defaults.session(quiet.session_id, "10.7.0.3", t0 + 31min));
}

// A page view reads; last_seen_at (and the session's address) is written at most once a minute.
TEST_P(StaffTest, LastSeenIsWrittenAtMostOnceAMinute) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    auto alice = auth.login("alice", kAlicePassword, "10.8.0.1", t0);
    const std::string seen = "SELECT last_seen_at || ' ' || client FROM staff_sessions";
    std::string at_login = server_->query(seen).at(0);
    EXPECT_TRUE(auth.session(alice.session_id, "10.8.0.2", t0 + 59s));
    EXPECT_EQ(server_->query(seen).at(0), at_login);
    EXPECT_TRUE(auth.session(alice.session_id, "10.8.0.2", t0 + 61s));
    std::string touched = server_->query(seen).at(0);
    EXPECT_NE(touched, at_login);
    EXPECT_TRUE(holds(touched, "10.8.0.2")) << touched;
}

TEST_P(StaffTest, RemovingOrANewPasswordEndsEverySessionOfThatMember) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    auto alice1 = auth.login("alice", kAlicePassword, "10.9.0.1", t0);
    auto alice2 = auth.login("alice", kAlicePassword, "10.9.0.2", t0);
    auto bob = auth.login("bob", kBobPassword, "10.9.0.3", t0);
    ASSERT_TRUE(alice1.ok() && alice2.ok() && bob.ok());

    ASSERT_EQ(staff({"passwd", "alice"}, "alice's second password\n").exit_code, 0);
    EXPECT_FALSE(auth.session(alice1.session_id, "10.9.0.1", t0 + 1s));
    EXPECT_FALSE(auth.session(alice2.session_id, "10.9.0.2", t0 + 1s));
    EXPECT_TRUE(auth.session(bob.session_id, "10.9.0.3", t0 + 1s)) << "other members keep theirs";

    auto alice3 = auth.login("alice", "alice's second password", "10.9.0.1", t0 + 2s);
    ASSERT_TRUE(alice3.ok());
    ASSERT_EQ(staff({"remove", "alice"}).exit_code, 0);
    EXPECT_FALSE(auth.session(alice3.session_id, "10.9.0.1", t0 + 3s));
    EXPECT_TRUE(auth.session(bob.session_id, "10.9.0.3", t0 + 3s));
    EXPECT_EQ(auth.login("alice", "alice's second password", "10.9.0.1", t0 + 3s).outcome,
              Outcome::WrongNameOrPassword);
}

TEST_P(StaffTest, CsrfTokenMustBeItsSessionsOwn) {
    add_alice_and_bob();
    auto store = open_store();
    StaffAuth auth(*store);
    auto alice = auth.login("alice", kAlicePassword, "10.10.0.1", t0);
    auto bob = auth.login("bob", kBobPassword, "10.10.0.2", t0);
    auto session = auth.session(alice.session_id, "10.10.0.1", t0 + 1s);
    ASSERT_TRUE(session);
    EXPECT_TRUE(StaffAuth::csrf_ok(*session, alice.csrf_token));
    std::string altered = alice.csrf_token;
    altered.back() = altered.back() == 'A' ? 'B' : 'A';
    for (const std::string& wrong : {bob.csrf_token, std::string(), altered, alice.csrf_token.substr(0, 42),
                                     alice.csrf_token + "A", alice.session_id})
        EXPECT_FALSE(StaffAuth::csrf_ok(*session, wrong)) << wrong;
    EXPECT_FALSE(StaffAuth::csrf_ok(server::staff::StaffSession{}, "")) << "a session without a token accepts none";
}

INSTANTIATE_TEST_SUITE_P(Backends, StaffTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

// ---- the cookie ----

server::http::RequestHead with_cookies(std::vector<std::string> values) {
    server::http::RequestHead head;
    for (auto& v : values) head.headers.push_back({"cookie", std::move(v)});
    return head;
}

TEST(StaffCookie, SetCookieCarriesTheFlags) {
    std::string id = server::staff::new_secret();
    EXPECT_EQ(server::staff::session_cookie(id, false, 12h),
              "lkp_session=" + id + "; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict");
    EXPECT_EQ(server::staff::session_cookie(id, true, 12h),
              "lkp_session=" + id + "; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict; Secure");
    EXPECT_EQ(server::staff::clearing_session_cookie(true),
              "lkp_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure");
    EXPECT_EQ(server::staff::clearing_session_cookie(false),
              "lkp_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
}

TEST(StaffCookie, SessionIdIsReadRobustly) {
    using server::staff::session_cookie_value;
    const std::string id = server::staff::new_secret();
    const std::string other = server::staff::new_secret();
    EXPECT_EQ(session_cookie_value(with_cookies({"lkp_session=" + id})), id);
    EXPECT_EQ(session_cookie_value(with_cookies({"theme=dark; lkp_session=" + id + "; lang=sv"})), id);
    EXPECT_EQ(session_cookie_value(with_cookies({"  theme=dark ;lkp_session = " + id + " ;  "})), id);
    EXPECT_EQ(session_cookie_value(with_cookies({"lkp_session=\"" + id + "\""})), id);
    EXPECT_EQ(session_cookie_value(with_cookies({"theme=dark", "lkp_session=" + id})), id) << "two Cookie headers";
    EXPECT_EQ(session_cookie_value(with_cookies({"flag; =; lkp_session=" + id + "; ==x"})), id)
        << "pairs without a name or '=' are passed over";
    EXPECT_EQ(session_cookie_value(with_cookies({"lkp_session=" + id + "; lkp_session=" + id})), id);

    const std::vector<std::vector<std::string>> refused = {
        {},
        {""},
        {"theme=dark"},
        {"xlkp_session=" + id},
        {"lkp_sessionx=" + id},
        {"LKP_SESSION=" + id},
        {"lkp_session="},
        {"lkp_session=" + id + "x"},
        {"lkp_session=" + id.substr(1)},
        {"lkp_session=" + id.substr(0, 20) + "+" + id.substr(21)},
        {"lkp_session=" + id.substr(0, 20) + "%" + id.substr(21)},
        {"lkp_session=\"" + id},
        {"lkp_session=" + id + "; lkp_session=" + other},  // two different ids: which is ours?
        {"lkp_session=" + id, "lkp_session=" + other},
        {"lkp_session=" + id + "; lkp_session=garbage"},
        {"lkp_session=" + std::string(10000, 'A')},
    };
    for (const auto& cookies : refused) {
        std::string shown;
        for (const auto& c : cookies) shown += "[" + c.substr(0, 80) + "]";
        EXPECT_EQ(session_cookie_value(with_cookies(cookies)), std::nullopt) << shown;
    }
}

}  // namespace
}  // namespace lkp::test
