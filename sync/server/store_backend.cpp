#include "store_backend.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "indicators/stockholm_time.h"
#include "record/language_tag.h"
#include "tokens.h"

namespace lkp::server {

const std::string& dated_at(const Response& r, bool clock_flag, const std::string& received_at) {
    return clock_flag ? received_at : r.submitted_at;
}

NewRow make_row(std::size_t index, const Response& r, const Survey& survey, bool clock_flag,
                const std::string& received_at) {
    const std::string& dated = dated_at(r, clock_flag, received_at);
    NewRow row{index, &r, record::to_row(r), {}, contributions(survey, r, dated), stockholm_day(dated), clock_flag};
    // Of what the kiosk sent only: the same batch resent after its clock was set right (no flag
    // now) is the same response, a duplicate, not a conflict.
    row.content_hash = body_hash(record::fingerprint_text(row.columns));
    return row;
}

void DaySumsAdder::add(const std::vector<Contribution>& contributions) {
    for (const Contribution& c : contributions) {
        const DayKey& k = c.key;
        std::string text = k.survey_id + '\x1f' + k.indicator + '\x1f' + k.district + '\x1f' + k.day + '\x1f' +
                           k.gender +
                           (k.flagged ? "\x1f"
                                        "1"
                                      : "\x1f"
                                        "0");
        auto [at, added] = index_.emplace(std::move(text), sums_.size());
        if (added)
            sums_.push_back({k, c.sums});
        else
            sums_[at->second].sums += c.sums;
    }
}

std::vector<DaySums> merged_contributions(const std::vector<const NewRow*>& inserted) {
    DaySumsAdder adder;
    for (const NewRow* row : inserted) adder.add(row->contributions);
    return adder.sums();
}

namespace {

// A response stored while its language had another tag (record/language_tag.h: "sv-easy", before
// issue 12) keeps the hash of that tag: the same response sent again, now with today's tag, is
// still the same response. Both forms (today's and schema 1's) as row_outcome checks them.
bool stored_under_former_tag(const NewRow& row, const std::string& stored_hash) {
    std::string_view former = record::former_language_tag(row.response->language);
    if (former.empty()) return false;
    record::Row columns = row.columns;
    columns[record::kLanguageColumn] = std::string(former);
    Response before = *row.response;
    before.language = std::string(former);
    return stored_hash == body_hash(record::fingerprint_text(columns)) ||
           stored_hash == body_hash(record::schema1_fingerprint_text(before));
}

}  // namespace

sync::ItemResult row_outcome(const NewRow& row, bool inserted, const std::string& stored_hash) {
    sync::ItemResult r{.id = row.response->id};
    // A row stored under schema 1 has the hash of that schema's form: computed only for a
    // resend whose hash does not match, which is rare.
    bool same = inserted || stored_hash == row.content_hash ||
                stored_hash == body_hash(record::schema1_fingerprint_text(*row.response)) ||
                stored_under_former_tag(row, stored_hash);
    if (same) {
        r.status = inserted ? sync::ItemResult::Status::Created : sync::ItemResult::Status::Duplicate;
        return r;
    }
    r.status = sync::ItemResult::Status::Rejected;
    r.code = "conflict";
    r.field = "id";
    r.reason = "a different response with this id is already stored; it is never overwritten";
    return r;
}

std::string kiosk_is_active(const std::string& name) {
    return "a kiosk named '" + name +
           "' already exists and is active; to give it a new token, revoke it (lkp-store kiosk revoke " + name +
           ") and add it again";
}

std::string operator_is_active(const std::string& name) {
    return "an operator named '" + name +
           "' already exists and is active; to give them a new token, revoke it (lkp-store operator revoke " + name +
           ") and add them again";
}

std::string staff_is_active(const std::string& name) {
    return "a member of staff named '" + name +
           "' already exists; to give them a new password use `lkp-store staff passwd " + name + "`";
}

std::string insert_response_sql(char placeholder) {
    std::vector<std::string> columns = {"kiosk"};
    columns.insert(columns.end(), record::row_columns().begin(), record::row_columns().end());
    columns.insert(columns.end(), {"content_hash", "received_at", "kiosk_sent_at", "clock_flag"});
    std::string names, values;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        names += (i ? ", " : "") + columns[i];
        values += (i ? ", " : "") + std::string(1, placeholder) + std::to_string(i + 1);
    }
    return "INSERT INTO responses (" + names + ") VALUES (" + values + ") ON CONFLICT (kiosk, id) DO NOTHING";
}

record::Row stored_values(const BatchRequest& request, const NewRow& row) {
    record::Row values = {request.kiosk};
    values.insert(values.end(), row.columns.begin(), row.columns.end());
    values.insert(values.end(), {row.content_hash, request.received_at, request.kiosk_sent_at,
                                 std::string(row.clock_flag ? "1" : "0")});
    return values;
}

// --- kiosk fleet health (schema 6) ---

std::string stockholm_day(const std::string& utc) {
    auto t = parse_utc(utc);
    return t ? indicators::date_text(indicators::stockholm_date(*t)) : std::string();
}

HeartbeatColumns heartbeat_columns(const sync::Heartbeat& h) {
    HeartbeatColumns c{.version = std::to_string(h.version),
                       .rejected_reasons = sync::encode_rejected_reasons(h.rejected_reasons)};
    if (h.sessions) {
        c.started = std::to_string(h.sessions->started);
        c.completed = std::to_string(h.sessions->completed);
        c.abandoned = std::to_string(h.sessions->abandoned);
        c.abandoned_at = sync::encode_abandoned_at(h.sessions->abandoned_at);
    }
    if (h.quarantined_databases) c.quarantined_databases = std::to_string(*h.quarantined_databases);
    return c;
}

// What the store wrote itself; a stored text it cannot read again is a fault to see, not to hide.
void read_heartbeat_columns(sync::Heartbeat& h, const HeartbeatColumns& c) {
    h.version = std::stoi(c.version);
    h.sessions.reset();
    if (c.started && c.completed && c.abandoned)
        h.sessions = sync::SessionCounts{.started = std::stoll(*c.started),
                                         .completed = std::stoll(*c.completed),
                                         .abandoned = std::stoll(*c.abandoned),
                                         .abandoned_at = c.abandoned_at ? sync::parse_abandoned_at(*c.abandoned_at)
                                                                        : std::map<std::string, std::int64_t>{}};
    h.rejected_reasons = sync::parse_rejected_reasons(c.rejected_reasons);
    h.quarantined_databases.reset();
    if (c.quarantined_databases) h.quarantined_databases = std::stoll(*c.quarantined_databases);
}

std::vector<std::pair<std::string, std::int64_t>> answers_per_day(const std::vector<const NewRow*>& inserted) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const NewRow* row : inserted) {
        auto at = std::find_if(out.begin(), out.end(), [&](const auto& d) { return d.first == row->day; });
        if (at == out.end())
            out.emplace_back(row->day, 1);
        else
            ++at->second;
    }
    return out;
}

std::optional<std::int64_t> clock_skew_s(const KioskInfo& k) {
    if (!k.heartbeat) return std::nullopt;
    auto sent = parse_utc(k.heartbeat->sent_at), received = parse_utc(k.heartbeat_received_at);
    if (!sent || !received) return std::nullopt;
    return std::chrono::round<std::chrono::seconds>(*received - *sent).count();
}

std::optional<std::int64_t> batch_clock_skew_s(const KioskInfo& k) {
    if (!k.batch_sent_at) return std::nullopt;
    auto sent = parse_utc(*k.batch_sent_at), received = parse_utc(k.batch_received_at);
    if (!sent || !received) return std::nullopt;
    return std::chrono::round<std::chrono::seconds>(*received - *sent).count();
}

std::vector<KioskHealth> StoreBackend::fleet(int days, std::chrono::system_clock::time_point now) {
    if (days < 1 || days > kMaxFleetDays)
        throw std::invalid_argument("the kiosk page shows 1 to " + std::to_string(kMaxFleetDays) + " days, not " +
                                    std::to_string(days));
    using std::chrono::sys_days;
    sys_days today{indicators::stockholm_date(now)};
    std::vector<std::string> window;
    for (int i = days - 1; i >= 0; --i) window.push_back(indicators::date_text(today - std::chrono::days{i}));
    std::string lookback = indicators::date_text(today - std::chrono::days{days - 1 + kSessionsLookbackDays});

    std::vector<KioskHealth> out;
    std::unordered_map<std::string, std::size_t> index;
    for (KioskInfo& k : kiosks()) {
        index.emplace(k.name, out.size());
        KioskHealth h{.kiosk = std::move(k),
                      .clock_skew_s = std::nullopt,
                      .batch_clock_skew_s = std::nullopt,
                      .days = {},
                      .sessions_before = std::nullopt};
        h.clock_skew_s = clock_skew_s(h.kiosk);
        h.batch_clock_skew_s = batch_clock_skew_s(h.kiosk);
        for (const std::string& day : window) h.days.push_back({day, 0, std::nullopt});
        out.push_back(std::move(h));
    }
    std::vector<std::string> before_day(out.size());  // the day of each kiosk's sessions_before
    for (KioskDayRow& row : kiosk_days(lookback)) {
        auto at = index.find(row.kiosk);
        if (at == index.end()) continue;  // answers of a kiosk since deleted by hand
        KioskHealth& h = out[at->second];
        if (row.day < window.front()) {
            if (row.sessions && row.day > before_day[at->second]) {
                h.sessions_before = row.sessions;
                before_day[at->second] = row.day;
            }
            continue;
        }
        auto day = std::lower_bound(window.begin(), window.end(), row.day);
        if (day == window.end() || *day != row.day) continue;  // after today: a clock ahead of ours
        KioskDay& d = h.days[static_cast<std::size_t>(day - window.begin())];
        d.answers = row.answers;
        d.sessions = row.sessions;
    }
    return out;
}

// --- end of kiosk fleet health ---

}  // namespace lkp::server
