#include "sheet_name.h"

#include <algorithm>
#include <string_view>

namespace lkp::tables {

namespace {

constexpr std::size_t kMaxUnits = 31;  // Excel counts UTF-16 units

std::size_t sequence_length(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }

// Lower case for comparing names as Excel does: ASCII, and Latin-1's letters (C3 80..C3 9E but ×).
std::string folded(std::string_view name) {
    std::string out(name);
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c + 0x20);
        } else if (c == 0xC3 && i + 1 < out.size()) {
            auto next = static_cast<unsigned char>(out[i + 1]);
            if (next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = static_cast<char>(next + 0x20);
            ++i;
        }
    }
    return out;
}

std::string cleaned(std::string_view wanted) {
    static constexpr std::string_view forbidden = "[]:*?/\\";
    std::string out;
    for (char c : wanted) {
        auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u == 0x7F || forbidden.find(c) != std::string_view::npos ? '_' : c;
    }
    auto first = out.find_first_not_of('\'');
    if (first == std::string::npos) return "Tabell";
    out.erase(0, first);
    out.erase(out.find_last_not_of('\'') + 1);
    return out;
}

// The longest start of `name` that is at most `units` UTF-16 units, cut between characters.
std::string_view shortened(std::string_view name, std::size_t units) {
    std::size_t used = 0, end = 0;
    while (end < name.size()) {
        std::size_t length = sequence_length(static_cast<unsigned char>(name[end]));
        std::size_t cost = length == 4 ? 2 : 1;  // outside the BMP: a surrogate pair
        if (used + cost > units) break;
        used += cost;
        end += length;
    }
    return name.substr(0, std::min(end, name.size()));
}

}  // namespace

std::string excel_sheet_name(std::string_view wanted, int part, const std::vector<std::string>& taken) {
    std::string base = cleaned(wanted);
    std::vector<std::string> taken_folded;
    for (const auto& name : taken) taken_folded.push_back(folded(name));
    for (int k = std::max(part, 1);; ++k) {
        std::string suffix = k > 1 ? " (" + std::to_string(k) + ")" : "";
        std::string name(shortened(base, kMaxUnits - suffix.size()));
        while (suffix.empty() && name.size() > 1 && name.back() == '\'') name.pop_back();  // cut before one
        name += suffix;
        std::string key = folded(name);
        if (key == "history") continue;
        if (std::find(taken_folded.begin(), taken_folded.end(), key) == taken_folded.end()) return name;
    }
}

}  // namespace lkp::tables
