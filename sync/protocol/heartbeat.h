#pragma once
// The health report a kiosk sends after each sync round, so staff see every kiosk from the store.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lkp::sync {

struct Heartbeat {
    std::string kiosk_id;
    std::string program_version;
    std::int64_t unsent = 0;                          // answers waiting in the outbox
    std::int64_t rejected = 0;                        // answers the store refused, kept on the kiosk
    std::optional<std::int64_t> oldest_unsent_age_s;  // nullopt when nothing waits
    std::optional<std::int64_t> free_disk_bytes;      // in the kiosk's data folder
    std::string last_error;                           // empty when the last round went well
    std::string sent_at;                              // kiosk clock, UTC
};

std::string encode_heartbeat(const Heartbeat& h);
// Throws BatchError (400) naming the field that is missing or of the wrong type, or sent_at when
// it is no UTC time. Text is kept as sent (show it with safe_text.h's for_terminal), except NUL,
// which becomes U+FFFD so that both backends store the same.
Heartbeat parse_heartbeat(std::string_view body);

}  // namespace lkp::sync
