#include "staff_desk.h"

#include "core/disk_space.h"
#include "export/stick_export.h"
#include "indicators/stockholm_time.h"
#include "record/utc.h"

namespace lkp {

namespace {

using namespace std::chrono;

// UTC bounds of today and of this week (from Monday) on the wall in Stockholm.
std::pair<std::string, std::string> today_and_week(system_clock::time_point now) {
    year_month_day today = indicators::stockholm_date(now);
    weekday wd{sys_days(today)};
    year_month_day monday{sys_days(today) - days((wd.c_encoding() + 6) % 7)};
    return {format_utc(indicators::stockholm_midnight(today)), format_utc(indicators::stockholm_midnight(monday))};
}

std::string local(const std::string& utc) {
    if (utc.empty()) return "";
    auto t = parse_utc(utc);
    return t ? indicators::stockholm_wall_time(*t) : utc;
}

}  // namespace

StaffDesk::StaffDesk(const KioskData& data, std::string data_dir, std::string program_version, LogLine log)
    : data_(data), data_dir_(std::move(data_dir)), version_(std::move(program_version)), log_(std::move(log)) {}

std::optional<std::string> StaffDesk::read_pin() {
    try {
        return staff::read_pin_file(data_dir_);
    } catch (const std::exception& e) {
        log_(std::string("staff mode is shut: ") + e.what());
        return std::nullopt;
    }
}

void StaffDesk::attach(KioskDatabase* db, Instant) {
    db_ = db;
    std::vector<staff::Wall> wrong;
    if (db_) {
        try {
            for (const std::string& at : db_->wrong_pins_since_right())
                if (auto t = parse_utc(at)) wrong.push_back(*t);
        } catch (const std::exception& e) {
            log_(std::string("staff mode: cannot read its audit: ") + e.what());
        }
    }
    mode_ = staff::StaffMode(read_pin(), std::move(wrong));
}

void StaffDesk::audit(const std::string& action, const std::string& detail) {
    if (!db_) return;
    try {
        db_->record_staff_action(action, detail);
    } catch (const std::exception& e) {  // a full disk must not keep staff out: log it instead
        log_("staff mode: audit \"" + action + "\" not stored: " + e.what());
    }
}

void StaffDesk::handle(const staff::StaffEvent& e, Instant now, Session& session, BackgroundSync& sync) {
    if (std::holds_alternative<staff::event::CornerHeld>(e)) {
        if (!db_ || session.screen() != Screen::Attract) return;  // never over a resident's answers
        mode_.set_pin_hash(read_pin());
        if (!mode_.available()) {
            log_("staff mode: no PIN is set (lkp-kiosk set-pin --data-dir " + data_dir_ + ")");
            return;
        }
    }
    carry_out(mode_.handle(e, now.mono, now.wall), now, session, &sync);
}

bool StaffDesk::tick(Instant now, Session& session) {
    staff::StaffOutcome out = mode_.tick(now.mono, now.wall);
    bool changed = !out.audit.empty() || out.test_mode_changed;
    carry_out(out, now, session, nullptr);
    return changed;
}

void StaffDesk::carry_out(const staff::StaffOutcome& out, Instant now, Session& session, BackgroundSync* sync) {
    for (const auto& [action, detail] : out.audit) audit(action, detail);
    if (out.test_mode_changed) {
        session.set_test_mode(mode_.test_mode());
        log_(mode_.test_mode() ? "test mode on: answers are flagged \"test\"" : "test mode off");
    }
    if (out.sync_now && sync) sync->sync_now();
    if (out.export_now) export_now(now);
    if (out.refresh || out.sync_now || out.export_now) refresh(now, sync && sync->running());
}

void StaffDesk::refresh(Instant now, bool sync_running) {
    if (!db_) return;
    staff::Overview o;
    try {
        auto [today, week] = today_and_week(now.wall);
        for (const DistrictCount& d : db_->answers_by_district(today, week)) {
            staff::DistrictLine line{d.district, "", d.today, d.week, d.total};
            if (const District* known = d.district ? data_.districts.find(*d.district) : nullptr)
                line.name = known->name;
            o.districts.push_back(line);
            o.today += d.today;
            o.week += d.week;
            o.total += d.total;
        }
        KioskStatus st = db_->status();
        o.started = st.sessions_started;
        o.completed = st.sessions_completed;
        o.abandoned = st.sessions_abandoned;
        o.test_answers = st.test;
        for (const auto& [step, n] : st.abandoned_at) o.abandoned_at.emplace_back(step, n);
        OutboxStatus ob = db_->outbox_status();
        o.sync.configured = sync_running;
        o.sync.waiting = ob.unsent;
        o.sync.rejected = ob.rejected;
        o.sync.oldest_waiting_s = ob.oldest_unsent_age_s;
        o.sync.last_success_at = local(ob.last_success_at);
        if (ob.last_round_failed()) {
            o.sync.last_error = ob.last_error;
            o.sync.last_error_at = local(ob.last_error_at);
        }
        for (const Rejection& r : db_->rejections(3))
            o.sync.rejected_reasons.push_back(r.reason + " (" + std::to_string(r.count) + ")");
    } catch (const std::exception& e) {
        log_(std::string("staff mode: cannot read the kiosk's database: ") + e.what());
    }
    if (auto disk = disk_space(data_dir_)) {
        o.disk_free_bytes = disk->free_bytes;
        o.disk_total_bytes = disk->total_bytes;
    }
    o.program_version = version_;
    o.survey = data_.survey.id + " v" + std::to_string(data_.survey.version);
    mode_.set_overview(std::move(o));
}

void StaffDesk::export_now(Instant now) {
    const std::string& dir = data_.config.export_dir;
    StickExport result;
    try {
        std::vector<Response> responses = db_ ? db_->all_responses() : std::vector<Response>{};
        std::vector<StaffAuditEntry> audit = db_ ? db_->staff_audit(100000) : std::vector<StaffAuditEntry>{};
        std::map<std::string, std::string> names;
        for (const Catalog& c : data_.translations.languages()) names[c.language] = c.native_name;
        result = export_to_stick(dir, {responses, audit, data_.survey, data_.districts, names, data_.config.kiosk_id},
                                 now.wall);
    } catch (const std::exception& e) {
        result.result = StickExport::Result::Failed;
        result.detail = e.what();
    }
    using R = StickExport::Result;
    staff::Notice n;
    n.problem = result.result != R::Written;
    switch (result.result) {
        case R::Written:
            n = {"staff.export.done", {{"count", std::to_string(result.answers)}, {"file", result.csv_file}}, false};
            break;
        case R::NotConfigured:
            n.id = "staff.export.not_configured";
            break;
        case R::NoStick:
            n = {"staff.export.no_stick", {{"dir", dir}}, true};
            break;
        case R::ReadOnly:
            n.id = "staff.export.read_only";
            break;
        case R::Full:
            n.id = "staff.export.full";
            break;
        case R::Failed:
            n = {"staff.export.failed", {{"detail", result.detail}}, true};
            break;
    }
    std::string detail =
        result.result == R::Written
            ? result.csv_file + ", " + result.json_file + ": " + std::to_string(result.answers) + " answers"
            : n.id.substr(n.id.rfind('.') + 1) + (result.detail.empty() ? "" : ": " + result.detail);
    audit("export", dir + ": " + detail);
    log_("staff export to " + dir + ": " + detail);
    mode_.show_notice(std::move(n));
}

}  // namespace lkp
