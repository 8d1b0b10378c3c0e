#include "districts.h"

#include <algorithm>
#include <set>

namespace lkp {

namespace {

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes come back as themselves.
char32_t next_code_point(const std::string& s, size_t& i) {
    auto b = static_cast<unsigned char>(s[i]);
    int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    char32_t cp = extra == 0 ? b : (b & (0x3F >> extra));
    ++i;
    for (int k = 0; k < extra && i < s.size(); ++k, ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    return cp;
}

// Rank of one character in Swedish order; letters after z get 27..29.
int swedish_rank(char32_t c) {
    if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
    switch (c) {
        case U'å':
        case U'Å':
            return 'z' + 1;
        case U'ä':
        case U'Ä':
        case U'æ':
        case U'Æ':
            return 'z' + 2;
        case U'ö':
        case U'Ö':
        case U'ø':
        case U'Ø':
            return 'z' + 3;
        case U'é':
        case U'É':
        case U'è':
        case U'È':
            return 'e';
        case U'ü':
        case U'Ü':
            return 'y';
        default:
            return static_cast<int>(c);
    }
}

std::vector<int> sort_key(const std::string& s) {
    std::vector<int> key;
    for (size_t i = 0; i < s.size();) key.push_back(swedish_rank(next_code_point(s, i)));
    return key;
}

}  // namespace

bool swedish_less(const std::string& a, const std::string& b) {
    auto ka = sort_key(a), kb = sort_key(b);
    if (ka != kb) return ka < kb;
    return a < b;  // identical under collation: keep a stable, total order
}

std::string swedish_initial(const std::string& name) {
    if (name.empty()) return {};
    size_t i = 0;
    char32_t c = next_code_point(name, i);
    switch (swedish_rank(c)) {
        case 'z' + 1:
            return "Å";
        case 'z' + 2:
            return "Ä";
        case 'z' + 3:
            return "Ö";
        default:
            break;
    }
    int r = swedish_rank(c);
    if (r >= 'a' && r <= 'z') return std::string(1, static_cast<char>(r - 'a' + 'A'));
    return name.substr(0, i);
}

const District* DistrictList::find(const std::string& code) const {
    for (const auto& d : districts)
        if (d.code == code) return &d;
    return nullptr;
}

bool DistrictList::is_valid_choice(const std::string& code) const {
    return code == kDistrictOutside || find(code) != nullptr;
}

DistrictList parse_districts(const JsonDocument& doc) {
    const JsonPointer root;
    DistrictList list;
    list.list_id = doc.string_at(root, "list_id");
    list.version = doc.string_at(root, "version");
    list.municipality = doc.string_at(root, "municipality");
    list.municipality_name =
        doc.root().contains("municipality_name") ? doc.string_at(root, "municipality_name") : list.municipality;
    const Json& items = doc.array_at(root, "districts");
    if (items.empty()) doc.fail(root / "districts", "the list has no districts");
    std::set<std::string> codes, names;
    for (size_t i = 0; i < items.size(); ++i) {
        JsonPointer at = root / "districts" / i;
        District d;
        d.code = doc.string_at(at, "code");
        d.name = doc.string_at(at, "name");
        d.group = doc.string_at(at, "group");
        const Json& confirmed = doc.member(at, "code_confirmed");
        if (!confirmed.is_boolean()) doc.fail(at / "code_confirmed", "expected true or false");
        d.code_confirmed = confirmed.get<bool>();
        if (items[i].contains("regso") && !items[i]["regso"].is_null()) d.regso = doc.string_at(at, "regso");
        if (d.code == kDistrictOutside) doc.fail(at / "code", "\"outside\" is reserved for \"Bor inte i Helsingborg\"");
        if (!codes.insert(d.code).second) doc.fail(at / "code", "code \"" + d.code + "\" appears twice");
        if (!names.insert(d.name).second) doc.fail(at / "name", "name \"" + d.name + "\" appears twice");
        list.districts.push_back(std::move(d));
    }
    std::sort(list.districts.begin(), list.districts.end(),
              [](const District& a, const District& b) { return swedish_less(a.name, b.name); });
    return list;
}

DistrictList load_districts(const std::string& path) { return parse_districts(JsonDocument::load(path)); }

}  // namespace lkp
