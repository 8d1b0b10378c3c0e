#include "ui_tree.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace lkp {

void UiTree::begin(std::string screen, std::string language) {
    screen_ = std::move(screen);
    language_ = std::move(language);
    elements_.clear();
    dimmed_ = false;
}

void UiTree::shift(std::size_t first, float dx, float dy) {
    for (std::size_t i = first; i < elements_.size(); ++i) {
        elements_[i].x += dx;
        elements_[i].y += dy;
    }
}

std::string UiTree::to_json() const {
    nlohmann::ordered_json elements = nlohmann::ordered_json::array();
    for (const auto& e : elements_) {
        elements.push_back({{"id", e.id},
                            {"role", e.role},
                            {"label", e.label},
                            {"x", std::lround(e.x)},
                            {"y", std::lround(e.y)},
                            {"w", std::lround(e.w)},
                            {"h", std::lround(e.h)}});
        if (e.selected) elements.back()["selected"] = true;
    }
    nlohmann::ordered_json j = {{"screen", screen_}, {"lang", language_}, {"elements", elements}};
    if (dimmed_) j["dimmed"] = true;
    return j.dump(1);
}

bool UiTree::end() {
    std::string json = to_json();
    if (json == last_written_) return false;
    last_written_ = json;
    if (!path_.empty()) {
        try {
            // Not fsynced: the tree is rewritten on every screen change and is worthless after a crash.
            write_file_atomically(path_, json + "\n", false);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lkp-kiosk: ui tree: %s\n", e.what());
        }
    }
    return true;
}

}  // namespace lkp
