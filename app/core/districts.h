#pragma once
// The list of stadsdelar a resident picks from. It is the city's data: a file with its own version,
// replaceable by an analyst without a rebuild. Names are proper nouns and are never translated.
#include <string>
#include <vector>

#include "json_document.h"

namespace lkp {

// Codes stored for the two choices every list offers besides its districts.
inline constexpr const char* kDistrictOutside = "outside";  // "Bor inte i Helsingborg"
// A declined district is stored as null, like any other declined answer.

struct District {
    std::string code;  // stable; the city's B-område code where confirmed
    std::string name;
    std::string group;  // e.g. "central" or "village", for grouping on screen
    bool code_confirmed = false;
    std::string regso;  // SCB RegSO code, empty when not known
};

struct DistrictList {
    std::string list_id;
    std::string version;
    std::string municipality;         // Kolada's and SCB's code, e.g. "1283"
    std::string municipality_name;    // e.g. "Helsingborg"; the code when the file has none
    std::vector<District> districts;  // sorted in Swedish order after loading

    const District* find(const std::string& code) const;
    // True for a district code, kDistrictOutside; what may be stored as "district".
    bool is_valid_choice(const std::string& code) const;
};

DistrictList load_districts(const std::string& path);
DistrictList parse_districts(const JsonDocument& doc);

// Swedish alphabetical order: a..z, then å, ä, ö; é sorts as e and ü as y.
bool swedish_less(const std::string& a, const std::string& b);
// The letter a name files under in an alphabet strip ("Å" for Ålund, "E" for Éneborg).
std::string swedish_initial(const std::string& name);

}  // namespace lkp
