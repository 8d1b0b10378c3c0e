#pragma once
// Staff mode as a state machine, like the resident's Session: closed -> PIN pad -> overview ->
// closed. It never draws and never stores; what it decides comes back as a StaffOutcome for the
// shell to carry out (write the audit, export, sync now). The screens draw its state and send it
// StaffEvents.
//
// It opens only from the attract screen, so it never shows what a resident did before. It closes
// itself after kIdleClose without a touch. Test mode flags the next answers `test` until staff
// leave (or the idle close leaves for them) or kTestModeLength has passed.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "staff_pin.h"

namespace lkp::staff {

using Mono = std::chrono::steady_clock::time_point;
using Wall = Clock::time_point;

inline constexpr std::chrono::seconds kIdleClose{60};
inline constexpr std::chrono::minutes kTestModeLength{15};
inline constexpr std::chrono::seconds kCornerHold{3};

enum class View { Closed, Pin, Overview };

namespace event {
struct CornerHeld {};  // the unmarked corner of the attract screen, held kCornerHold
struct Digit {
    char digit;  // '0'..'9'
};
struct Erase {};   // the last digit
struct Submit {};  // the PIN as entered
struct Cancel {};  // leave the PIN pad
struct Export {};
struct StartTest {};
struct SyncNow {};
struct Leave {};
}  // namespace event

using StaffEvent = std::variant<event::CornerHeld, event::Digit, event::Erase, event::Submit, event::Cancel,
                                event::Export, event::StartTest, event::SyncNow, event::Leave>;

// A line for staff: a message id of the staff texts with its {placeholders}.
struct Notice {
    std::string id;
    std::map<std::string, std::string> params;
    bool problem = false;  // shown as a warning
};

// What the shell must do after an event or a tick.
struct StaffOutcome {
    std::vector<std::pair<std::string, std::string>> audit;  // (action, detail), in order
    bool refresh = false;                                    // gather the overview again (staff mode just opened)
    bool export_now = false;                                 // export to the stick, then report with show_notice()
    bool sync_now = false;                                   // send now, whatever the backoff says
    bool test_mode_changed = false;  // the session's answers are flagged `test` from now, or no longer
};

// What the overview shows; gathered by the shell from the kiosk's database and the system.
struct DistrictLine {
    std::optional<std::string> code;  // nullopt: the resident declined to say
    std::string name;                 // the district list's name; "" for "outside" and unknown codes
    std::int64_t today = 0, week = 0, total = 0;
};
struct SyncLine {
    bool configured = false;
    std::int64_t waiting = 0, rejected = 0;
    std::optional<std::int64_t> oldest_waiting_s;
    std::string last_success_at, last_error, last_error_at;  // Stockholm time, "" when never
    std::vector<std::string> rejected_reasons;               // "reason (count)"
};
struct Overview {
    std::vector<DistrictLine> districts;
    std::int64_t today = 0, week = 0, total = 0, test_answers = 0;
    std::int64_t started = 0, completed = 0, abandoned = 0;
    std::vector<std::pair<std::string, std::int64_t>> abandoned_at;  // step, count
    SyncLine sync;
    std::optional<std::int64_t> disk_free_bytes, disk_total_bytes;
    std::string program_version, survey;  // "helsingborg-lkp v3"
};

class StaffMode {
  public:
    // `pin_hash`: the data folder's staff-pin, nullopt when none is set (no staff mode).
    // `wrong_since_right`: the wrong PINs the audit holds, so a lock-out survives a restart.
    StaffMode(std::optional<std::string> pin_hash, std::vector<Wall> wrong_since_right);

    // The PIN may be set while the kiosk runs: the shell reads the file again before the corner opens.
    void set_pin_hash(std::optional<std::string> pin_hash) { pin_hash_ = std::move(pin_hash); }
    bool available() const { return pin_hash_.has_value(); }

    StaffOutcome handle(const StaffEvent& e, Mono mono, Wall wall);
    StaffOutcome tick(Mono mono, Wall wall);  // the idle close and the end of test mode
    // Any touch while staff mode shows keeps it open.
    void touched(Mono mono) { last_touch_ = mono; }

    View view() const { return view_; }
    bool open() const { return view_ != View::Closed; }
    std::size_t digits_entered() const { return pin_.size(); }
    int wrong_since_right() const { return static_cast<int>(wrong_.size()); }
    // Wrong PINs that may still be made before the pad locks (0 when the next wrong one locks it).
    int tries_before_lock() const;
    std::optional<Wall> locked_until(Wall wall) const { return staff::locked_until(wrong_, wall); }
    std::optional<std::chrono::seconds> closes_in(Mono mono) const;

    bool test_mode() const { return test_until_.has_value(); }
    std::optional<std::chrono::seconds> test_mode_left(Mono mono) const;

    const std::optional<Notice>& notice() const { return notice_; }
    void show_notice(Notice n) { notice_ = std::move(n); }
    const Overview& overview() const { return overview_; }
    void set_overview(Overview o) { overview_ = std::move(o); }

    // When tick() must run next; nullopt when nothing is pending.
    std::optional<Mono> next_deadline() const;

  private:
    StaffOutcome close(const std::string& why);
    StaffOutcome submit(Mono mono, Wall wall);

    std::optional<std::string> pin_hash_;
    std::vector<Wall> wrong_;
    View view_ = View::Closed;
    std::string pin_;
    Mono last_touch_{};
    std::optional<Mono> test_until_;
    std::optional<Notice> notice_;
    Overview overview_;
};

}  // namespace lkp::staff
