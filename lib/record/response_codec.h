#pragma once
// The one codec of a Response: its /v1 wire form (docs/sync-protocol.md) and the columns both
// databases keep (the kiosk's responses table and the store's). Adding a field means changing
// this file, response.h, one migration on each side, and the docs; nothing else spells fields.
//
// One spelling for "absent": std::nullopt in C++, null on the wire, NULL in SQL. Answers keep
// survey order everywhere (ordered JSON objects).
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "response.h"

namespace lkp::record {

// nlohmann's default object sorts its keys; this one keeps them in the order they were added.
using OrderedJson = nlohmann::ordered_json;

// A field of a wire item that is missing, of the wrong type or badly formed.
class FieldError : public std::runtime_error {
  public:
    FieldError(std::string which, const std::string& reason) : std::runtime_error(reason), field(std::move(which)) {}
    std::string field;  // e.g. "district" or "answers.trygghet"
};

// Wire form: one JSON object per response.
OrderedJson to_wire(const Response& r);
// Checks what can be checked without the survey: known fields, types, lengths, UUID, language
// tag, time format, flags. Throws FieldError naming the first bad field. The answers come out in
// the item's key order (name order: Json sorts keys, and parsing into it is what keeps the
// store fast); the store puts them back in survey order when it checks them against the survey.
// A former language tag comes out as today's (language_tag.h).
Response from_wire(const Json& item);

// Database form: these columns in this order; nullopt is NULL. Integers are written as text,
// which both SQLite (INTEGER affinity) and PostgreSQL (typed parameters) store as numbers.
using Row = std::vector<std::optional<std::string>>;
const std::vector<std::string>& row_columns();  // "seq" first: the kiosk's database assigns it
Row to_row(const Response& r);
Response from_row(const Row& row);  // throws std::runtime_error when a stored column is unreadable

// A stored row read in place, for reading a million of them (an export): the same columns as
// Row, as views into the database's own buffers, valid only while the backend's callback runs.
// Copying each into a Response would cost more than reading it.
inline constexpr std::size_t kRowColumns = 12;
inline constexpr std::size_t kIdColumn = 1, kSubmittedAtColumn = 10;  // what an export orders by
inline constexpr std::size_t kLanguageColumn = 6;
using RowView = std::array<std::optional<std::string_view>, kRowColumns>;
struct ResponseView {
    std::string_view id, kiosk_id, survey_id, language, started_at, submitted_at;
    std::optional<std::string_view> location, district;
    std::int64_t seq = 0;
    int survey_version = 0;
    std::string_view answers_json, flags_json;  // as stored; read them with the two functions below
};
// Both readers of a stored row give today's language tag for a former one (language_tag.h).
ResponseView view_of(const RowView& row);  // throws std::runtime_error as from_row does
Response from_row(const RowView& row);

// One stored answer as for_each_answer hands it over. Text is unescaped; Other is the JSON text
// of any other value (a decimal, true, an array), which no survey of ours asks for.
struct StoredAnswer {
    enum class Kind { Declined, Integer, Text, Other } kind = Kind::Declined;
    std::int64_t integer = 0;
    std::string_view text;  // Text and Other
};
// Calls each(question, answer) for every stored answer, in stored (survey) order. The views are
// valid during the call only. Throws std::runtime_error when the text is not an object.
void for_each_answer(std::string_view answers_json,
                     const std::function<void(std::string_view question, const StoredAnswer& answer)>& each);
std::vector<std::string> flags_of(std::string_view flags_json);

// The text a store hashes to tell "the same response sent again" from "another response with
// this id": every column present, named and length-prefixed, from the row already made (so it
// costs next to nothing). Absent columns are left out, so a field added later and not sent
// leaves the fingerprints of responses stored before it unchanged.
std::string fingerprint_text(const Row& row);
// The form the store's schema 1 hashed (answers in name order, absent location as ""), kept only
// to recognise a response stored then when it is sent again.
std::string schema1_fingerprint_text(const Response& r);

}  // namespace lkp::record
