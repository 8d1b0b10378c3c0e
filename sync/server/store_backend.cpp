#include "store_backend.h"

#include "record/language_tag.h"
#include "tokens.h"

namespace lkp::server {

NewRow make_row(std::size_t index, const Response& r, const Survey& survey) {
    NewRow row{index, &r, record::to_row(r), {}, contributions(survey, r)};
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
    columns.insert(columns.end(), {"content_hash", "received_at"});
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
    values.insert(values.end(), {row.content_hash, request.received_at});
    return values;
}

}  // namespace lkp::server
