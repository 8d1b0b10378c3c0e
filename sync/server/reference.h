#pragma once
// Reference series: figures the city downloads from Kolada (its own SCB survey results, the
// national average) and keeps beside the kiosks' series, read from Kolada's published JSON shape:
// {"values": [{"kpi": "N07403", "municipality": "1283" or "ou": "...", "period": 2023,
//              "values": [{"gender": "T", "count": 1, "status": "", "value": 71.2}, ...]}, ...]}
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "store_backend.h"

namespace lkp::server {

// The file is not in Kolada's shape: the message names the place, e.g. "values[3].period".
class BadReferenceFile : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct KoladaFile {
    std::map<std::string, std::vector<ReferenceValue>> series;  // by KPI id
};

KoladaFile parse_kolada(const std::string& text, const std::string& name);
KoladaFile read_kolada_file(const std::string& path);

}  // namespace lkp::server
