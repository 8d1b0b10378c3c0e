#include "widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "i18n/shaper.h"
#include "platform/fonts.h"

namespace lkp {

float line_width(ImFont* font, const std::string& line, bool rtl) { return shaped_width(font, line, rtl); }

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The longest start of `s`, in whole characters (at least one) and never cut before a
// combining mark, that fits `fits`.
size_t fitting_start(const std::string& s, const std::function<bool(const std::string&)>& fits) {
    size_t best = 0;
    for (size_t i = 1; i <= s.size(); ++i) {
        if (i < s.size() && continuation(s[i])) continue;
        if (i < s.size()) {
            size_t j = i + 1;
            while (j < s.size() && continuation(s[j])) ++j;
            std::u32string c = utf8_to_u32(s.substr(i, j - i));
            if (!c.empty() && is_mark(c[0])) continue;
        }
        if (best != 0 && !fits(s.substr(0, i))) break;
        best = i;
    }
    return best;
}

// Greedy word wrap on logical text, every trial line measured as shaped: joined Arabic letters
// are narrower than isolated ones and marks take no room. A word wider than the box is broken
// between characters.
std::vector<std::string> wrap(ImFont* font, const std::string& text, float width, bool rtl) {
    std::function<bool(const std::string&)> fits = [&](const std::string& s) {
        return measure_line(font, s, rtl) <= width;
    };
    std::vector<std::string> lines;
    for (size_t start = 0; start < text.size();) {
        size_t nl = std::min(text.find('\n', start), text.size());
        std::string line;
        for (size_t pos = start; pos < nl;) {
            size_t sp = std::min(text.find(' ', pos), nl);
            std::string word = text.substr(pos, sp - pos);
            pos = sp + 1;
            if (word.empty()) continue;
            std::string candidate = line.empty() ? word : line + " " + word;
            if (line.empty() || fits(candidate)) {
                line = candidate;
            } else {
                lines.push_back(line);
                line = word;
            }
            while (!fits(line)) {
                size_t k = fitting_start(line, fits);
                if (k >= line.size()) break;
                lines.push_back(line.substr(0, k));
                line = line.substr(k);
            }
        }
        if (!line.empty()) lines.push_back(line);
        start = nl + 1;
    }
    return lines;
}

}  // namespace

const std::vector<std::string>& wrap_lines(ImFont* font, const std::string& text, float width, bool rtl) {
    // Screens are redrawn only after input, but each redraw lays out every label: wrapping is
    // done once per (font, width, direction, text).
    static std::unordered_map<std::string, std::vector<std::string>> cache;
    std::string key = std::to_string(reinterpret_cast<std::uintptr_t>(font)) + "|" +
                      std::to_string(std::lround(width)) + (rtl ? "|r|" : "|l|") + text;
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    if (cache.size() > 20000) cache.clear();  // bounded: texts are finite, but window sizes may change
    return cache.emplace(key, wrap(font, text, width, rtl)).first->second;
}

float text_width(const DrawContext& dc, ImFont* font, const std::string& text) {
    return line_width(font, text, dc.rtl);
}

float text_height(const DrawContext& dc, ImFont* font, const std::string& text, float width) {
    return static_cast<float>(wrap_lines(font, text, width, dc.rtl).size()) * font->FontSize * 1.15f;
}

float text_block(DrawContext& dc, const std::string& text, ImFont* font, ImVec2 pos, float width, Align align,
                 ImU32 colour, const std::string& id) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float line_h = font->FontSize * 1.15f;
    float x0 = dc.x_on_screen(pos.x, width);
    if (dc.mirror && align != Align::Center) align = align == Align::Left ? Align::Right : Align::Left;
    float y = pos.y;
    float ink_left = x0 + width, ink_right = x0;
    for (const auto& line : wrap_lines(font, text, width, dc.rtl)) {
        float w = line_width(font, line, dc.rtl);
        float x = align == Align::Left ? x0 : align == Align::Center ? x0 + (width - w) / 2 : x0 + width - w;
        draw_line(dl, font, line, dc.rtl, ImVec2(std::floor(x), std::floor(y)), colour);
        ink_left = std::min(ink_left, x);
        ink_right = std::max(ink_right, x + w);
        y += line_h;
    }
    if (ink_right > ink_left) dc.tree.add({id, "text", text, ink_left, pos.y, ink_right - ink_left, y - pos.y});
    return y - pos.y;
}

namespace {

void draw_face(ImDrawList* dl, ImVec2 c, float r, int tone, ImU32 colour) {
    dl->AddCircleFilled(c, r, colour, 48);
    ImU32 white = IM_COL32(255, 255, 255, 255);
    float eye = r * 0.13f;
    dl->AddCircleFilled(ImVec2(c.x - r * 0.35f, c.y - r * 0.25f), eye, white, 16);
    dl->AddCircleFilled(ImVec2(c.x + r * 0.35f, c.y - r * 0.25f), eye, white, 16);
    // Mouth: a smile for positive tones, a frown for negative ones, flat in the middle.
    float bend = static_cast<float>(tone) * r * 0.22f;
    ImVec2 a(c.x - r * 0.45f, c.y + r * 0.35f), b(c.x + r * 0.45f, c.y + r * 0.35f);
    ImVec2 ctrl(c.x, c.y + r * 0.35f + bend * 1.6f);
    if (tone < 0) {
        a.y += r * 0.12f;
        b.y += r * 0.12f;
        ctrl.y += r * 0.12f;
    }
    dl->AddBezierQuadratic(a, ctrl, b, white, r * 0.12f, 24);
}

}  // namespace

ButtonContent measure_button(const DrawContext& dc, const ButtonSpec& b) {
    ImFont* font = b.font ? b.font : dc.fonts.body;
    float pad = dc.layout.unit * b.padding, room = dc.layout.unit * b.icon_room;
    ButtonContent c;
    bool rtl = b.text_rtl.value_or(dc.rtl);
    c.lines = &wrap_lines(font, b.label, b.size.x - 2 * pad - room, rtl);
    c.face_radius = b.face ? std::min(b.size.x * 0.22f, dc.layout.unit * 0.9f) : 0.0f;
    c.face_gap = b.face ? pad * 0.6f : 0.0f;
    c.height = static_cast<float>(c.lines->size()) * font->FontSize * 1.15f + c.face_radius * 2 + c.face_gap;
    c.fits = c.height <= b.size.y - (b.stripe ? dc.layout.unit * 0.3f : 0.0f);
    for (const auto& line : *c.lines) c.fits = c.fits && line_width(font, line, rtl) <= b.size.x - pad - room;
    return c;
}

float fitted_height(const DrawContext& dc, const ButtonSpec& b, float min_height) {
    float stripe = b.stripe ? dc.layout.unit * 0.3f : 0.0f;
    return std::max(min_height, measure_button(dc, b).height + stripe + dc.layout.unit * 0.6f);
}

bool tap_button(DrawContext& dc, const ButtonSpec& spec) {
    ButtonSpec b = spec;
    b.pos.x = dc.x_on_screen(spec.pos.x, spec.size.x);
    const Theme& t = dc.theme;
    ImFont* font = b.font ? b.font : dc.fonts.body;
    ImGui::SetCursorScreenPos(b.pos);
    bool tapped = ImGui::InvisibleButton(b.id.c_str(), b.size);
    bool pressed = ImGui::IsItemActive();

    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 max(b.pos.x + b.size.x, b.pos.y + b.size.y);
    float rounding = dc.layout.unit * 0.35f;
    ImU32 fill = t.surface, text = t.text;
    if (b.style == ButtonStyle::Primary) {
        fill = pressed ? t.primary_pressed : t.primary;
        text = t.on_primary;
    } else if (pressed) {
        fill = t.surface_pressed;
    }
    if (b.style == ButtonStyle::Quiet && !pressed) fill = t.background;
    dl->AddRectFilled(b.pos, max, fill, rounding);
    if (b.stripe) {
        float band = dc.layout.unit * 0.3f;
        dl->AddRectFilled(b.pos, ImVec2(max.x, b.pos.y + band), *b.stripe, rounding, ImDrawFlags_RoundCornersTop);
    }
    if (b.style != ButtonStyle::Primary)
        dl->AddRect(b.pos, max, t.border, rounding, 0, std::max(2.0f, dc.layout.unit * 0.06f));
    if (b.selected) {
        float w = dc.layout.unit * 0.18f;
        dl->AddRect(ImVec2(b.pos.x - w, b.pos.y - w), ImVec2(max.x + w, max.y + w), t.selected, rounding + w, 0, w);
    }

    ButtonContent content = measure_button(dc, b);
    float y = b.pos.y + (b.size.y - content.height) / 2 + (b.stripe ? dc.layout.unit * 0.15f : 0.0f);
    if (b.face) {
        draw_face(dl, ImVec2(b.pos.x + b.size.x / 2, y + content.face_radius), content.face_radius, *b.face,
                  t.tone(*b.face));
        y += content.face_radius * 2 + content.face_gap;
    }
    float line_h = font->FontSize * 1.15f;
    const auto& lines = *content.lines;
    bool rtl = b.text_rtl.value_or(dc.rtl);
    // Centred in what the icon leaves free: the icon sits at the reading start (left, or right when mirrored).
    float room = dc.layout.unit * b.icon_room, words_x = b.pos.x + (dc.mirror ? 0.0f : room);
    for (const auto& line : lines) {
        float w = line_width(font, line, rtl);
        draw_line(dl, font, line, rtl, ImVec2(std::floor(words_x + (b.size.x - room - w) / 2), std::floor(y)), text);
        y += line_h;
    }
    dc.tree.add({b.id, "button", b.label, b.pos.x, b.pos.y, b.size.x, b.size.y, content.fits, b.selected});
    // Audio mode (EN 301 549 speech output): the first tap on an element reads it aloud, a
    // second tap on the same element activates it.
    if (tapped && dc.access && dc.access->audio_mode && dc.can_speak && dc.armed && *dc.armed != b.id) {
        *dc.armed = b.id;
        dc.speech.push_back(b.label);
        return false;
    }
    return tapped;
}

const std::vector<std::string>& widget_message_ids() {
    static const std::vector<std::string> ids = {"ui.back"};
    return ids;
}

// Room for the arrow before the words, so that the two never touch in a long translation.
constexpr float kBackArrowRoom = 1.0f;

float back_button_width(const DrawContext& dc) {
    const Layout& l = dc.layout;
    return std::max(text_width(dc, dc.fonts.body, dc.text("ui.back")) + l.unit * (2.4f + kBackArrowRoom),
                    l.unit * 5.0f);
}

void back_button(DrawContext& dc) {
    const Layout& l = dc.layout;
    std::string label = dc.text("ui.back");
    ImVec2 pos(l.margin, l.margin * 0.6f), size(back_button_width(dc), l.unit * 2.0f);
    ButtonSpec spec{"nav.back", label, pos, size, ButtonStyle::Surface};
    spec.icon_room = kBackArrowRoom;
    if (tap_button(dc, spec)) dc.emit(event::Back{});
    // The arrow points the way back: left, or right in a right-to-left language.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float s = l.unit * 0.32f, cy = pos.y + size.y / 2;
    float tip = dc.x_on_screen(pos.x + l.unit * 0.7f, 0), base = dc.mirror ? tip - s : tip + s;
    dl->AddTriangleFilled(ImVec2(tip, cy), ImVec2(base, cy - s), ImVec2(base, cy + s), dc.theme.text);
}

void draw_speaker_icon(DrawContext& dc, ImVec2 c) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float u = dc.layout.unit * 0.3f, t = std::max(1.5f, dc.layout.unit * 0.06f);
    ImU32 col = dc.theme.text;
    float dir = dc.mirror ? -1.0f : 1.0f;  // the sound goes the reading way
    float x1 = c.x - u * dir, x2 = c.x - u * dir * 0.5f;
    dl->AddRectFilled(ImVec2(std::min(x1, x2), c.y - u * 0.45f), ImVec2(std::max(x1, x2), c.y + u * 0.45f), col);
    dl->AddTriangleFilled(ImVec2(c.x - u * dir * 0.5f, c.y - u * 0.45f), ImVec2(c.x + u * dir * 0.2f, c.y - u),
                          ImVec2(c.x + u * dir * 0.2f, c.y + u), col);
    dl->AddTriangleFilled(ImVec2(c.x - u * dir * 0.5f, c.y - u * 0.45f), ImVec2(c.x + u * dir * 0.2f, c.y + u),
                          ImVec2(c.x - u * dir * 0.5f, c.y + u * 0.45f), col);
    for (float r : {0.6f, 1.0f}) {
        float a0 = dir > 0 ? -0.8f : 3.14159265f - 0.8f;
        dl->PathArcTo(ImVec2(c.x + u * dir * 0.2f, c.y), u * r + u * 0.3f, a0, a0 + 1.6f, 12);
        dl->PathStroke(col, 0, t);
    }
}

std::string fill(std::string text, const std::string& key, const std::string& value) {
    std::string token = "{" + key + "}";
    for (size_t p = text.find(token); p != std::string::npos; p = text.find(token, p + value.size()))
        text.replace(p, token.size(), value);
    return text;
}

}  // namespace lkp
