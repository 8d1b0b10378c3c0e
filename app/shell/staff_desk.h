#pragma once
// Staff mode joined to the rest of the kiosk: StaffMode decides, this carries it out. It reads
// the PIN file, keeps the audit in the kiosk's database (every staff action and every wrong PIN),
// gathers the overview, exports to the stick, asks the sync to send now and turns the session's
// test mode on and off. No ImGui, no GLFW: the loop passes events and the time in.
#include <string>

#include "background_sync.h"
#include "core/kiosk_data.h"
#include "log.h"
#include "staff/staff_mode.h"

namespace lkp {

class StaffDesk {
  public:
    StaffDesk(const KioskData& data, std::string data_dir, std::string program_version, LogLine log = log_to_stderr);

    // The kiosk's database once it is open (nullptr: staff mode stays shut). Restores the
    // lock-out from the audit's wrong PINs.
    void attach(KioskDatabase* db, Instant now);

    void handle(const staff::StaffEvent& e, Instant now, Session& session, BackgroundSync& sync);
    // True when what staff see changed (closed, test mode ended).
    bool tick(Instant now, Session& session);
    void touched(Instant now) { mode_.touched(now.mono); }

    const staff::StaffMode& mode() const { return mode_; }
    std::optional<SteadyClock::time_point> next_deadline() const { return mode_.next_deadline(); }

  private:
    void carry_out(const staff::StaffOutcome& out, Instant now, Session& session, BackgroundSync* sync);
    void audit(const std::string& action, const std::string& detail);
    void refresh(Instant now, bool sync_running);
    void export_now(Instant now);
    std::optional<std::string> read_pin();

    const KioskData& data_;
    std::string data_dir_, version_;
    LogLine log_;
    KioskDatabase* db_ = nullptr;
    staff::StaffMode mode_{std::nullopt, {}};
};

}  // namespace lkp
