#include "staff_auth.h"

#include <sodium.h>

#include <cstdio>
#include <regex>

#include "login_delay.h"
#include "passwords.h"
#include "protocol/safe_text.h"
#include "record/utc.h"
#include "secrets.h"
#include "server/tokens.h"

namespace lkp::server::staff {

using std::chrono::seconds;

// Marks the keys of one login attempt as being checked, or finds one of them already is.
class InFlight {
  public:
    InFlight(StaffAuth& auth, std::vector<std::string> keys) : auth_(auth) {
        std::lock_guard lock(auth_.in_flight_mutex_);
        for (const auto& k : keys)
            if (auth_.in_flight_.count(k)) return;
        for (auto& k : keys) auth_.in_flight_.insert(k);
        keys_ = std::move(keys);
        acquired_ = true;
    }
    ~InFlight() {
        std::lock_guard lock(auth_.in_flight_mutex_);
        for (const auto& k : keys_) auth_.in_flight_.erase(k);
    }
    InFlight(const InFlight&) = delete;
    bool acquired() const { return acquired_; }

  private:
    StaffAuth& auth_;
    std::vector<std::string> keys_;
    bool acquired_ = false;
};

namespace {

// Holds one of the two places for an argon2id computation.
class Hashing {
  public:
    explicit Hashing(std::counting_semaphore<2>& places) : places_(places) { places_.acquire(); }
    ~Hashing() { places_.release(); }
    Hashing(const Hashing&) = delete;

  private:
    std::counting_semaphore<2>& places_;
};

std::int64_t ms(Time t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(); }

// Whole seconds, rounded up: "wait 1 s" must not be heard as "try now" when 300 ms remain.
seconds ceil_seconds(std::chrono::system_clock::duration d) { return std::chrono::ceil<seconds>(d); }

// Client text in the audit log stays one line (the `audit` command escapes it again for terminals).
std::string safe(std::string_view s) { return sync::for_terminal(s, 64); }

std::string from(const std::string& address) { return address.empty() ? "" : " from " + safe(address); }

}  // namespace

bool valid_staff_name(std::string_view name) { return !staff_name_problem(name); }

std::optional<std::string> staff_name_problem(std::string_view name) {
    static const std::regex valid("[A-Za-z0-9._-]{1,64}");
    if (std::regex_match(name.begin(), name.end(), valid)) return std::nullopt;
    return "staff name " + sync::quote_input(name, 64) + " must be 1-64 characters of A-Z a-z 0-9 . _ -";
}

std::string LoginResult::message() const {
    switch (outcome) {
        case Outcome::LoggedIn:
            return "Logged in as " + member.name + ".";
        case Outcome::WrongNameOrPassword:
            return "Wrong name or password." +
                   (wait.count() > 0 ? " Try again in " + std::to_string(wait.count()) + " s." : std::string());
        case Outcome::Locked:
            return "Too many wrong passwords. Try again in " + std::to_string(wait.count()) + " s.";
    }
    return {};
}

StaffAuth::StaffAuth(StoreBackend& store, StaffAuthOptions options) : store_(store), options_(options) {}

const std::string& StaffAuth::dummy_hash() {
    std::call_once(dummy_once_, [&] { dummy_hash_ = hash_password(new_secret()); });
    return dummy_hash_;
}

seconds StaffAuth::wait_for(const std::string& key, Time now) {
    auto failures = store_.login_failures(key);
    if (!failures) return seconds(0);
    auto last = parse_utc(failures->last_failure_at);
    if (!last || now - *last > kForgetFailuresAfter) return seconds(0);
    auto remaining = *last + delay_after(failures->failures) - now;
    return remaining > std::chrono::system_clock::duration::zero() ? ceil_seconds(remaining) : seconds(0);
}

// Expired sessions and forgotten failure counters, at most once per sweep_interval (one thread
// does it; the others go on). A failure only waits for the next turn: the rows harm nothing.
void StaffAuth::sweep(Time now) {
    std::int64_t due = next_sweep_ms_.load();
    if (ms(now) < due || !next_sweep_ms_.compare_exchange_strong(due, ms(now + options_.sweep_interval))) return;
    try {
        store_.delete_expired_staff_records(format_utc(now - options_.idle_expiry),
                                            format_utc(now - options_.absolute_expiry),
                                            format_utc(now - kForgetFailuresAfter));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lkp-store: could not delete expired staff sessions: %s\n", e.what());
    }
}

LoginResult StaffAuth::login(std::string_view name, std::string_view password, const std::string& client, Time now) {
    sweep(now);
    // A name that cannot exist is checked like an unknown one, but counted only for the address.
    const bool plausible = valid_staff_name(name) && password.size() <= kMaxPasswordBytes;
    const std::string who = "staff:" + safe(name);
    const std::string account_key = plausible ? "account:" + std::string(name) : "";
    const std::string address_key = "address:" + client;
    std::vector<std::string> keys = {address_key};
    if (plausible) keys.push_back(account_key);

    LoginResult result;
    InFlight attempt(*this, keys);
    result.wait = attempt.acquired() ? seconds(0) : seconds(1);
    for (const auto& key : keys) result.wait = std::max(result.wait, wait_for(key, now));
    if (result.wait > seconds(0)) {
        result.outcome = LoginResult::Outcome::Locked;
        store_.audit({format_utc(now), who, "login refused",
                      "locked" + from(client) + ", " + std::to_string(result.wait.count()) + " s to wait"});
        return result;
    }

    std::optional<StaffAccount> account = plausible ? store_.staff_account(std::string(name)) : std::nullopt;
    bool right = false;
    {
        Hashing place(hashing_);
        if (account)
            right = verify_password(account->password_hash, password);
        else
            verify_password(dummy_hash(), password);  // as long as a real check; never true
    }

    if (right && needs_rehash(account->password_hash)) {
        std::string rehashed;
        {
            Hashing place(hashing_);
            rehashed = hash_password(password);
        }
        store_.rehash_staff_password(account->name, account->password_hash, rehashed);
    }
    if (right) {
        result.session_id = new_secret();
        result.csrf_token = new_secret();
        std::string at = format_utc(now);
        StaffSessionRecord record{token_hash(result.session_id), account->name, result.csrf_token, at, at, client};
        right = store_.start_staff_session(record);  // false: removed while the password was checked
    }
    if (right) {
        store_.clear_login_failures(account_key);
        result.outcome = LoginResult::Outcome::LoggedIn;
        result.member = {account->name, account->admin};
        store_.audit({format_utc(now), who, "login", "logged in" + from(client)});
        return result;
    }

    result = {};
    const std::string forget = format_utc(now - kForgetFailuresAfter);
    std::string counts;
    for (const auto& key : keys) {
        std::int64_t n = store_.add_login_failure(key, format_utc(now), forget).failures;
        result.wait = std::max(result.wait, delay_after(n));
        counts += ", " + key.substr(0, key.find(':')) + " failures " + std::to_string(n);
    }
    const char* why = account                               ? "wrong password"
                      : !valid_staff_name(name)             ? "not a staff name"
                      : password.size() > kMaxPasswordBytes ? "password too long"
                                                            : "unknown name";
    store_.audit({format_utc(now), who, "login failed", why + from(client) + counts});
    return result;
}

std::optional<StaffSession> StaffAuth::session(std::string_view cookie_value, const std::string& client, Time now) {
    sweep(now);
    if (!looks_like_secret(cookie_value)) return std::nullopt;
    const std::string id_hash = token_hash(cookie_value);
    auto record = store_.staff_session(id_hash);
    if (!record) return std::nullopt;
    auto created = parse_utc(record->created_at);
    auto seen = parse_utc(record->last_seen_at);
    if (!created || !seen || now - *seen > options_.idle_expiry || now - *created > options_.absolute_expiry) {
        store_.end_staff_session(id_hash);
        return std::nullopt;
    }
    if (now - *seen >= options_.touch_interval) store_.touch_staff_session(id_hash, format_utc(now), client);
    return StaffSession{{record->staff, record->admin}, record->csrf_token};
}

void StaffAuth::logout(std::string_view cookie_value, const std::string& client, Time now) {
    if (!looks_like_secret(cookie_value)) return;
    if (auto name = store_.end_staff_session(token_hash(cookie_value)))
        store_.audit({format_utc(now), "staff:" + *name, "logout", "logged out" + from(client)});
}

bool StaffAuth::csrf_ok(const StaffSession& session, std::string_view token) {
    const std::string& expected = session.csrf_token;
    if (expected.empty() || token.size() != expected.size()) return false;  // lengths are no secret
    return sodium_memcmp(expected.data(), token.data(), expected.size()) == 0;
}

StaffAdded StaffAuth::add(const std::string& name, std::string_view password, bool admin, const Actor& actor,
                          Time now) {
    if (auto problem = staff_name_problem(name)) throw BadStaffInput(*problem);
    if (auto problem = password_problem(password)) throw BadStaffInput(*problem);
    std::string hash;
    {
        Hashing place(hashing_);
        hash = hash_password(password);
    }
    StaffAdded added = store_.add_staff({name, hash, admin, format_utc(now)});
    store_.audit({format_utc(now), actor.who, added == StaffAdded::New ? "staff added" : "staff re-added",
                  name + (admin ? " (admin)" : "") + from(actor.address)});
    return added;
}

bool StaffAuth::remove(const std::string& name, const Actor& actor, Time now) {
    if (!store_.remove_staff(name, format_utc(now))) return false;
    store_.audit({format_utc(now), actor.who, "staff removed", name + from(actor.address) + "; their sessions ended"});
    return true;
}

bool StaffAuth::change_password(const std::string& name, std::string_view password, const Actor& actor, Time now) {
    if (auto problem = password_problem(password)) throw BadStaffInput(*problem);
    std::string hash;
    {
        Hashing place(hashing_);
        hash = hash_password(password);
    }
    if (!store_.set_staff_password(name, hash)) return false;
    store_.audit(
        {format_utc(now), actor.who, "staff password changed", name + from(actor.address) + "; their sessions ended"});
    return true;
}

std::vector<StaffListEntry> StaffAuth::list(Time now) {
    return store_.staff_list(format_utc(now - options_.idle_expiry), format_utc(now - options_.absolute_expiry));
}

}  // namespace lkp::server::staff
