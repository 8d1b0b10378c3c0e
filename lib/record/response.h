#pragma once
// One resident's completed answers: the record the kiosk stores, the sync sends, the store keeps
// and the exports write. Its one codec is response_codec.h; nobody else spells its fields.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lkp {

using Json = nlohmann::json;

// Question id -> value, in survey order; a null value means the resident declined.
using Answers = std::vector<std::pair<std::string, Json>>;

struct Response {
    std::string id;  // random UUID (v4), made on the kiosk
    std::string kiosk_id;
    std::string survey_id;
    int survey_version = 0;
    std::optional<std::string> location;  // the kiosk's own district code; nullopt: not configured
    std::string language;
    std::optional<std::string> district;  // nullopt: the resident declined to say
    Answers answers;
    std::string started_at, submitted_at;  // UTC, ISO 8601 with milliseconds (record/utc.h)
    std::vector<std::string> flags;        // e.g. "synthetic" for simulated responses
    std::int64_t seq = 0;                  // per-kiosk sequence number, set by the kiosk's database

    bool synthetic() const;
    const Json* answer(const std::string& question) const;  // nullptr when not answered at all
};

}  // namespace lkp
