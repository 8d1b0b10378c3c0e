#pragma once
// The wire format of /v1, shared by the kiosk's sync client and the lkp-store server so both
// sides agree byte for byte. docs/sync-protocol.md and docs/openapi.yaml describe it for people.
#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/districts.h"
#include "core/survey.h"
#include "record/response.h"
#include "record/utc.h"
#include "record/uuid.h"

namespace lkp::sync {

inline constexpr const char* kBatchPath = "/v1/batches";
inline constexpr const char* kHeartbeatPath = "/v1/heartbeat";
inline constexpr const char* kHealthPath = "/v1/health";

// Limits the store enforces and the client respects. A batch above either gets 413.
inline constexpr std::size_t kMaxBatchItems = 1000;
inline constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;  // after gzip is undone

// Checked while a body is parsed, so nothing past them is ever built in memory. A real item nests
// 4 levels deep (batch > "responses" > item > "answers" or "flags" > value) and holds about 30
// JSON values (12 fields, one answer per question, up to 8 flags). Nesting deeper than
// kMaxJsonDepth is 400; more than kMaxBatchValues values in all is 413, like too many items.
inline constexpr int kMaxJsonDepth = 8;
inline constexpr std::size_t kMaxBatchValues = 100 * kMaxBatchItems;

// How much of a rejected item's field name and reason the store sends back (and keeps with the
// Idempotency-Key): they quote at most a few bytes of the item, escaped (safe_text.h).
inline constexpr std::size_t kMaxIdBytes = 36;  // a UUID
inline constexpr std::size_t kMaxFieldBytes = 64;
inline constexpr std::size_t kMaxReasonBytes = 200;

// Clocks (issue 14, part 5). A kiosk's clock may be years off (a dead CMOS battery, no NTP).
// Its answers are kept all the same, but marked as dated by a wrong clock (ParsedItem::clock_off),
// and the store dates them by when it received them. The clock is clearly wrong when:
// - the batch's Kiosk-Sent-At header (the kiosk's clock when it sent the request) is more than
//   kMaxBatchSkew from the store's clock, or
// - an answer's submitted_at is more than kMaxClockAhead ahead of the store's clock or more than
//   kMaxAnswerAge behind it (what a kiosk without the header, or one whose clock was since set
//   right, shows of it). Before issue 14 such answers were rejected.
inline constexpr std::chrono::hours kMaxAnswerAge{24 * 366 * 2};
inline constexpr std::chrono::hours kMaxClockAhead{24};
inline constexpr std::chrono::hours kMaxBatchSkew{1};
// The kiosk's clock at the time of sending, a UTC time as format_utc() writes it. A header, not a
// field of the body: the body is saved before the first send and resent byte for byte, so only a
// header can carry the time of each attempt, and the body hash (Idempotency-Key) stays the same.
// Optional: a kiosk that does not send it has an unknown skew.
inline constexpr const char* kSentAtHeader = "Kiosk-Sent-At";

// When the store received a batch, and the kiosk's clock when it sent it (nullopt: not sent).
struct BatchClock {
    std::chrono::system_clock::time_point received;
    std::optional<std::chrono::system_clock::time_point> sent;
    // received - sent: positive when the kiosk's clock is behind; nullopt when unknown.
    std::optional<std::chrono::system_clock::duration> skew() const;
    // The rule above for an answer submitted at `submitted` (the kiosk's clock).
    bool clock_off(std::chrono::system_clock::time_point submitted) const;
};

// What the store did with one response of a batch, in request order.
struct ItemResult {
    enum class Status { Created, Duplicate, Rejected };
    std::string id;
    Status status = Status::Rejected;
    std::string code;    // rejected only: "invalid" or "conflict"
    std::string field;   // rejected only: the field at fault, e.g. "answers.trygghet"
    std::string reason;  // rejected only: for people
    bool delivered() const { return status != Status::Rejected; }
};

const char* to_string(ItemResult::Status s);

// The surveys and district list the store accepts answers for.
struct SurveyCatalog {
    std::vector<Survey> surveys;
    std::optional<DistrictList> districts;  // nullopt: any district code is accepted
    const Survey* find(const std::string& id, int version) const;
};

// A problem with the whole request, not one item: becomes a problem+json answer.
class BatchError : public std::runtime_error {
  public:
    BatchError(int status, std::string title, const std::string& detail)
        : std::runtime_error(detail), status_(status), title_(std::move(title)) {}
    int status() const { return status_; }
    const std::string& title() const { return title_; }

  private:
    int status_;
    std::string title_;
};

struct ParsedItem {
    std::string id;                    // as sent; empty when missing or not a string
    std::optional<Response> response;  // set when the item is valid
    std::string field, reason;         // why the item is invalid
    bool clock_off = false;            // valid, but dated by a clock that was clearly wrong (BatchClock)
};

// Reads a batch body. Throws BatchError for a body that is not a batch at all (bad JSON or UTF-8,
// wrong shape, nested too deeply, too many items or values); an invalid item is reported in its
// ParsedItem and the rest go on. Every message quotes at most a few bytes of the body, escaped.
std::vector<ParsedItem> parse_batch(std::string_view body, const SurveyCatalog& catalog, const BatchClock& clock);
// The same for a batch without Kiosk-Sent-At, received `now`.
std::vector<ParsedItem> parse_batch(std::string_view body, const SurveyCatalog& catalog,
                                    std::chrono::system_clock::time_point now);

// The client's side: the request body, and the store's answer read back and checked against
// what was sent (a captive portal's 200 page or a truncated answer throws std::runtime_error).
std::string encode_batch(const std::vector<Response>& responses);
std::string encode_results(const std::string& batch_key, const std::vector<ItemResult>& results);
std::vector<ItemResult> parse_results(std::string_view body, const std::vector<std::string>& sent_ids);

// RFC 9457 problem details, the body of every error answer.
std::string problem_json(int status, const std::string& title, const std::string& detail);

}  // namespace lkp::sync
