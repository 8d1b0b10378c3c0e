#pragma once
// Staff login over the store's database: accounts with argon2id passwords, server-side sessions
// behind a random cookie, a CSRF token per session, and a growing delay after wrong passwords per
// account and per address. Every login, failed login, logout and change of staff goes to the audit
// log (never a password). The web pages call this; `lkp-store staff ...` manages the accounts.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <semaphore>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "server/store_backend.h"

namespace lkp::server::staff {

using Time = std::chrono::system_clock::time_point;

// A name or password that may not be used; the message names the problem (the CLI exits 2).
class BadStaffInput : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// Like kiosk names: 1-64 characters of A-Z a-z 0-9 . _ -
bool valid_staff_name(std::string_view name);
// Why `name` is no staff name, or nullopt.
std::optional<std::string> staff_name_problem(std::string_view name);

struct StaffAuthOptions {
    std::chrono::seconds idle_expiry{30 * 60};        // a session unused this long ends
    std::chrono::seconds absolute_expiry{12 * 3600};  // and any session this old
    // last_seen_at is written at most this often: a page view is then a read, not a write.
    std::chrono::seconds touch_interval{60};
    // How often expired sessions and forgotten failure counters are deleted.
    std::chrono::seconds sweep_interval{10 * 60};
};

struct StaffMember {
    std::string name;
    bool admin = false;
};

// A valid session: who is logged in, and the token every form that changes something must carry.
struct StaffSession {
    StaffMember member;
    std::string csrf_token;
};

struct LoginResult {
    enum class Outcome { LoggedIn, WrongNameOrPassword, Locked };
    Outcome outcome = Outcome::WrongNameOrPassword;
    StaffMember member;  // LoggedIn
    // LoggedIn: the session id for the cookie, returned only now (the store keeps its hash), and
    // the session's CSRF token.
    std::string session_id, csrf_token;
    // Locked: how long before a try is heard. WrongNameOrPassword: the same for the next try
    // (0 while the failures are still free).
    std::chrono::seconds wait{0};

    bool ok() const { return outcome == Outcome::LoggedIn; }
    // For the login form: the same words for an unknown name and a wrong password.
    std::string message() const;
};

// Who changes staff, for the audit log: e.g. {"cli:alice", "terminal"} or {"staff:bob", "10.0.0.7"}.
struct Actor {
    std::string who, address;
};

class StaffAuth {
  public:
    explicit StaffAuth(StoreBackend& store, StaffAuthOptions options = {});

    // Checks the password (an unknown name against a dummy hash, so both take as long) unless the
    // account's or the address's delay has not passed; a success starts a session and forgets
    // the account's failures (not the address's).
    LoginResult login(std::string_view name, std::string_view password, const std::string& client, Time now);
    // The session of a cookie value; nullopt when it is malformed, unknown, idle for longer than
    // idle_expiry, older than absolute_expiry (an expired one is deleted), or its member was
    // removed. Keeps `client` as the session's latest address.
    std::optional<StaffSession> session(std::string_view cookie_value, const std::string& client, Time now);
    // Ends the cookie's session, if it has one.
    void logout(std::string_view cookie_value, const std::string& client, Time now);
    // The form's token equals the session's, compared in constant time.
    static bool csrf_ok(const StaffSession& session, std::string_view token);

    // Accounts (the CLI now; an admin page later). Throw BadStaffInput for a bad name or password.
    StaffAdded add(const std::string& name, std::string_view password, bool admin, const Actor& actor, Time now);
    // Both end every session of the member; false: no active member has the name.
    bool remove(const std::string& name, const Actor& actor, Time now);
    bool change_password(const std::string& name, std::string_view password, const Actor& actor, Time now);
    std::vector<StaffListEntry> list(Time now);

    const StaffAuthOptions& options() const { return options_; }

  private:
    std::chrono::seconds wait_for(const std::string& key, Time now);
    void sweep(Time now);
    const std::string& dummy_hash();

    StoreBackend& store_;
    StaffAuthOptions options_;
    // Every argon2id hash takes 64 MiB: at most two at once, however many logins arrive.
    std::counting_semaphore<2> hashing_{2};
    // Keys with a login being checked now: a second try on the same account or from the same
    // address waits (refused as locked), so parallel guesses cannot all pass before the first
    // failure is counted.
    std::mutex in_flight_mutex_;
    std::set<std::string> in_flight_;
    std::once_flag dummy_once_;
    std::string dummy_hash_;
    std::atomic<std::int64_t> next_sweep_ms_{0};
    friend class InFlight;
};

}  // namespace lkp::server::staff
