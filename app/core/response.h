#pragma once
// One resident's completed answers, as the session hands them to the store.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json_document.h"

namespace lkp {

struct Response {
    std::string id;                    // random UUID (v4), made on this kiosk
    std::string kiosk_id;
    std::string survey_id;
    int survey_version = 0;
    std::string location;              // the kiosk's own district code; empty if not configured
    std::string language;
    std::optional<std::string> district;  // nullopt: the resident declined to say
    std::vector<std::pair<std::string, Json>> answers;  // survey order; null = declined
    std::string started_at, submitted_at;               // UTC, ISO 8601 with milliseconds
    std::vector<std::string> flags;    // e.g. "synthetic" for simulated responses
    std::int64_t seq = 0;              // per-kiosk sequence number, set by the store

    Json to_json() const;
};

std::string new_uuid_v4();
std::string format_utc(std::chrono::system_clock::time_point t);

}  // namespace lkp
