#include "store_backend.h"

#include "tokens.h"

namespace lkp::store {

NewRow make_row(std::size_t index, const Response& r) {
    Json answers = Json::object();
    for (const auto& [question, value] : r.answers) answers[question] = value;
    NewRow row{index, &r, answers.dump(), Json(r.flags).dump(), {}};
    // Every field the kiosk sent, each prefixed with its length so no two different responses can
    // give the same text. Hashed, so a row stays small.
    std::string content;
    for (const std::string& field :
         {r.kiosk_id, r.id, std::to_string(r.seq), r.survey_id, std::to_string(r.survey_version), r.location,
          r.language, r.district ? "=" + *r.district : std::string("null"), row.answers, r.started_at,
          r.submitted_at, row.flags})
        content.append(std::to_string(field.size())).append(":").append(field);
    row.content_hash = body_hash(content);
    return row;
}

}  // namespace lkp::store
