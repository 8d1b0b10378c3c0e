#pragma once
// The health report a kiosk sends after each sync round, so staff see every kiosk from the store.
//
// Versions: 1 (no "version" field) is the 8 fields of the first kiosks; 2 adds "version": 2, the
// kiosk's session counts and its rejected answers grouped by reason. The store takes both (a
// version 1 heartbeat is stored with no session counts and no reasons) and refuses any other.
// Version 2 may also carry "quarantined_databases" (kiosks from issue 14, part 3 on); earlier
// version 2 kiosks leave it out, so it is optional rather than a new version, which older stores
// would refuse. They ignore it.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lkp::sync {

inline constexpr int kHeartbeatVersion = 2;  // what encode_heartbeat writes by default

// Bounds of the texts of every version.
inline constexpr std::size_t kMaxHeartbeatNameBytes = 64;  // kiosk_id and program_version
inline constexpr std::size_t kMaxLastErrorBytes = 1000;

// Bounds of version 2's fields. A kiosk keeps within them (fit_to_limits); the store refuses a
// heartbeat past them with 400 naming the field.
inline constexpr std::size_t kMaxAbandonSteps = 32;        // a survey has a few steps per question
inline constexpr std::size_t kMaxStepBytes = 64;           // "language", "district" or a question id
inline constexpr std::size_t kMaxRejectedReasons = 20;     // the most frequent; the rest are left out
inline constexpr std::size_t kMaxRejectedCodeBytes = 32;   // "invalid", "conflict", "refused"
inline constexpr std::size_t kMaxRejectedFieldBytes = 64;  // "answers.trygghet"
inline constexpr std::size_t kMaxRejectedReasonBytes = 500;
inline constexpr std::int64_t kMaxHeartbeatCount = 1'000'000'000'000;  // far above a kiosk's lifetime

// Real (non-synthetic) sessions since the kiosk's database began: cumulative, so a lost heartbeat
// loses nothing and the store takes day-to-day differences.
struct SessionCounts {
    std::int64_t started = 0, completed = 0, abandoned = 0;
    std::map<std::string, std::int64_t> abandoned_at;  // step -> sessions abandoned there
    bool operator==(const SessionCounts&) const = default;
};

// Answers the store refused that wait on the kiosk, grouped by why.
struct RejectedReason {
    std::string code, field, reason;
    std::int64_t count = 0;
    bool operator==(const RejectedReason&) const = default;
};

struct Heartbeat {
    std::string kiosk_id;
    std::string program_version;
    std::int64_t unsent = 0;                          // answers waiting in the outbox
    std::int64_t rejected = 0;                        // answers the store refused, kept on the kiosk
    std::optional<std::int64_t> oldest_unsent_age_s;  // nullopt when nothing waits
    std::optional<std::int64_t> free_disk_bytes;      // in the kiosk's data folder
    std::string last_error;                           // empty when the last round went well
    std::string sent_at;                              // kiosk clock, UTC
    // --- version 2 ---
    int version = kHeartbeatVersion;               // 1: encode_heartbeat writes only the fields above
    std::optional<SessionCounts> sessions;         // nullopt from a version 1 kiosk
    std::vector<RejectedReason> rejected_reasons;  // most frequent first; empty from version 1
    // Corrupt databases moved aside in the kiosk's data folder and still there (staff remove them
    // once looked at). nullopt: not sent (version 1, or a version 2 kiosk from before it).
    std::optional<std::int64_t> quarantined_databases;
};

std::string encode_heartbeat(const Heartbeat& h);
// Throws BatchError (400) naming the field that is missing, of the wrong type or out of bounds,
// or sent_at when it is no UTC time, or version when it is neither 1 nor 2 (quarantined_databases,
// when present, is a whole number from 0 to kMaxHeartbeatCount; null is refused). Text is kept as sent
// (show it with safe_text.h's for_terminal), except NUL, which becomes U+FFFD so that both
// backends store the same.
Heartbeat parse_heartbeat(std::string_view body);

// Brings a kiosk's heartbeat within the bounds above: the most frequent abandon steps and reasons
// (ties kept in their order), texts cut at a character boundary with "…". The kiosk calls it
// before sending.
void fit_to_limits(Heartbeat& h);

// The wire forms of version 2's parts on their own, which the store also keeps as they are.
std::string encode_abandoned_at(const std::map<std::string, std::int64_t>& steps);
std::map<std::string, std::int64_t> parse_abandoned_at(std::string_view json);
std::string encode_rejected_reasons(const std::vector<RejectedReason>& reasons);
std::vector<RejectedReason> parse_rejected_reasons(std::string_view json);

}  // namespace lkp::sync
