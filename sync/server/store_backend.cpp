#include "store_backend.h"

#include "tokens.h"

namespace lkp::server {

NewRow make_row(std::size_t index, const Response& r) {
    return NewRow{index, &r, record::to_row(r), body_hash(record::fingerprint_text(r))};
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
