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

// Timestamps further from the store's clock than this are rejected: a kiosk whose clock was
// reset to 1970 or set years ahead would otherwise skew every indicator over time.
inline constexpr std::chrono::hours kMaxAnswerAge{24 * 366 * 2};
inline constexpr std::chrono::hours kMaxClockAhead{24};

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
};

// Reads a batch body. Throws BatchError for a body that is not a batch at all (bad JSON or UTF-8,
// wrong shape, nested too deeply, too many items or values); an invalid item is reported in its
// ParsedItem and the rest go on. Every message quotes at most a few bytes of the body, escaped.
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
