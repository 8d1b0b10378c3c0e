#include "theme.h"

#include <algorithm>

namespace lkp {

namespace {
constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b) { return IM_COL32(r, g, b, 255); }
}  // namespace

ImU32 Theme::tone(int t) const {
    switch (t) {
        case 2: return rgb(0x1B, 0x6E, 0x2F);
        case 1: return rgb(0x3F, 0x7F, 0x1F);
        case 0: return rgb(0x7A, 0x62, 0x00);
        case -1: return rgb(0xB0, 0x4A, 0x12);
        default: return rgb(0xA3, 0x20, 0x2A);
    }
}

const Theme& default_theme() {
    static const Theme t{
        .background = rgb(0xF3, 0xF0, 0xE8),
        .surface = rgb(0xFF, 0xFF, 0xFF),
        .surface_pressed = rgb(0xDD, 0xE6, 0xEE),
        .text = rgb(0x1A, 0x1A, 0x1A),
        .muted_text = rgb(0x4A, 0x4A, 0x4A),
        .primary = rgb(0x00, 0x4B, 0x73),
        .primary_pressed = rgb(0x00, 0x33, 0x4F),
        .on_primary = rgb(0xFF, 0xFF, 0xFF),
        .border = rgb(0x6B, 0x6B, 0x6B),
        .selected = rgb(0x00, 0x4B, 0x73),
        .scrim = rgb(0xE4, 0xE9, 0xEE),
    };
    return t;
}

float text_unit_for(float width, float height) {
    return std::clamp(std::min(width, height) / 27.0f, 16.0f, 64.0f);
}

Layout Layout::for_window(float width, float height) {
    Layout l;
    l.width = width;
    l.height = height;
    l.unit = text_unit_for(width, height);
    l.margin = l.unit * 1.0f;
    l.gap = l.unit * 0.4f;
    l.portrait = height > width;
    return l;
}

}  // namespace lkp
