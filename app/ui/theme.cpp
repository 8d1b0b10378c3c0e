#include "theme.h"

#include <algorithm>
#include <cmath>

namespace lkp {

namespace {
constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b) { return IM_COL32(r, g, b, 255); }
}  // namespace

ImU32 Theme::tone(int t) const { return tones[std::clamp(t, -2, 2) + 2]; }

namespace {
double channel(unsigned v) {
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double luminance(ImU32 c) {
    return 0.2126 * channel((c >> IM_COL32_R_SHIFT) & 0xFF) + 0.7152 * channel((c >> IM_COL32_G_SHIFT) & 0xFF) +
           0.0722 * channel((c >> IM_COL32_B_SHIFT) & 0xFF);
}
}  // namespace

double contrast_ratio(ImU32 a, ImU32 b) {
    double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
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
        .tones = {rgb(0xA3, 0x20, 0x2A), rgb(0xB0, 0x4A, 0x12), rgb(0x7A, 0x62, 0x00), rgb(0x3F, 0x7F, 0x1F),
                  rgb(0x1B, 0x6E, 0x2F)},
    };
    return t;
}

const Theme& high_contrast_theme() {
    static const Theme t{
        .background = rgb(0xFF, 0xFF, 0xFF),
        .surface = rgb(0xFF, 0xFF, 0xFF),
        .surface_pressed = rgb(0xD8, 0xD8, 0xD8),
        .text = rgb(0x00, 0x00, 0x00),
        .muted_text = rgb(0x1F, 0x1F, 0x1F),
        .primary = rgb(0x00, 0x24, 0x52),
        .primary_pressed = rgb(0x00, 0x00, 0x00),
        .on_primary = rgb(0xFF, 0xFF, 0xFF),
        .border = rgb(0x00, 0x00, 0x00),
        .selected = rgb(0x00, 0x24, 0x52),
        .scrim = rgb(0xFF, 0xFF, 0xFF),
        .tones = {rgb(0x7A, 0x10, 0x18), rgb(0x7F, 0x2E, 0x00), rgb(0x5A, 0x48, 0x00), rgb(0x2A, 0x5A, 0x12),
                  rgb(0x0E, 0x4A, 0x1E)},
    };
    return t;
}

float text_unit_for(float width, float height) { return std::clamp(std::min(width, height) / 27.0f, 16.0f, 64.0f); }

Layout Layout::for_window(float width, float height, float text_scale) {
    Layout l;
    l.width = width;
    l.height = height;
    l.unit = text_unit_for(width, height) * text_scale;
    l.margin = l.unit * 1.0f;
    l.gap = l.unit * 0.4f;
    l.portrait = height > width;
    return l;
}

}  // namespace lkp
