#pragma once
// Staff and analysts take the kiosk's answers out as CSV (spreadsheets) or JSON (programs).
#include <string>
#include <vector>

#include "core/survey.h"
#include "record/response.h"

namespace lkp {

// CSV: UTF-8 with a byte-order mark (so spreadsheet programs keep Arabic and å ä ö), one row per
// response, one column per question in survey order; a declined answer is an empty cell.
std::string export_csv(const std::vector<Response>& responses, const Survey* survey);
// JSON: a list of response objects; a declined answer is null.
std::string export_json(const std::vector<Response>& responses);

}  // namespace lkp
