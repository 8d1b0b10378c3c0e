#pragma once
// The few touch widgets every screen is made of: large buttons with wrapped, centred words
// (optionally with a face for a scale point), text blocks, and the back button.
#include <imgui.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/messages.h"
#include "core/session.h"
#include "platform/font_sets.h"
#include "staff/staff_mode.h"
#include "theme.h"
#include "ui_tree.h"

namespace lkp {

// The resident's own accessibility choices: they last for one person, and the attract screen
// puts them back for the next.
struct Accessibility {
    bool large_text = false;
    bool high_contrast = false;
    bool audio_mode = false;  // first tap speaks an element, a second tap on it activates it
};

// A text to read aloud in a language of its own (not necessarily the resident's).
struct Utterance {
    std::string language, text;
};

// What a screen needs to draw itself and report what the resident did.
struct DrawContext {
    const Session& session;
    const Translations& translations;
    const Theme& theme;
    const Fonts& fonts;
    Layout layout;
    UiTree& tree;
    Instant now;
    std::vector<Event> events;
    bool rtl = false;     // the language reads right to left: text is shaped and right-aligned
    bool mirror = false;  // the layout is mirrored (rtl, except for Latin-script lists)
    Accessibility* access = nullptr;
    std::string* armed = nullptr;     // audio mode: the element spoken by the first tap
    std::vector<std::string> speech;  // texts to read aloud, in the current language
    bool can_speak = false;           // a voice exists for the current language
    bool save_failed = false;         // the last answer waits in memory: the thank-you screen apologises
    // Texts read after `speech`, each in its own language's voice (a language's name, say).
    std::vector<Utterance> speech_in;
    // The languages that have a voice (see can_speak_in).
    const std::vector<std::string>* voices = nullptr;
    // Staff mode's state, for its screens, the corner and the test banner; what staff did.
    const staff::StaffMode* staff = nullptr;
    std::vector<staff::StaffEvent> staff_events;

    std::string text(const std::string& id) const { return translations.text(session.language(), id); }
    void emit(Event e) { events.push_back(std::move(e)); }
    bool can_speak_in(const std::string& language) const {
        return voices && std::find(voices->begin(), voices->end(), language) != voices->end();
    }
    // Screens lay out left to right; for a right-to-left language every rectangle is mirrored
    // here, so scales run from the right and back and forward swap sides.
    float x_on_screen(float x, float width) const { return mirror ? layout.width - x - width : x; }
};

enum class ButtonStyle { Primary, Surface, Quiet };

struct ButtonSpec {
    std::string id;
    std::string label;
    ImVec2 pos, size;
    ButtonStyle style = ButtonStyle::Surface;
    ImFont* font = nullptr;        // default: body
    bool selected = false;         // the answer given before, when the resident came back
    std::optional<int> face;       // draw a face for this tone above the words
    std::optional<ImU32> stripe;   // coloured band along the top (scale colour)
    float padding = 0.4f;          // inside the edges, in units (narrow number buttons use less)
    std::optional<bool> text_rtl;  // the label's own direction when it is not the UI language's
    float icon_room = 0;           // units kept free for an icon at the reading start; the words move over
};

// The height `b` needs for its content at its width, at least `min_height`.
float fitted_height(const DrawContext& dc, const ButtonSpec& b, float min_height);

// What a button's content needs: its label's lines and the face above them.
struct ButtonContent {
    const std::vector<std::string>* lines = nullptr;
    bool fits = true;  // every line fits the width and the content fits the height
    float face_radius = 0, face_gap = 0;
    float height = 0;  // without padding
};
ButtonContent measure_button(const DrawContext& dc, const ButtonSpec& b);

// Draws the button, records it in the UI tree, returns true when tapped.
bool tap_button(DrawContext& dc, const ButtonSpec& b);

enum class Align { Left, Center, Right };
// Draws wrapped text; returns the height used.
// The block is in the UI tree as role "text" under `id`, with its ink rectangle.
float text_block(DrawContext& dc, const std::string& text, ImFont* font, ImVec2 pos, float width, Align align,
                 ImU32 colour, const std::string& id = "text");
float text_height(const DrawContext& dc, ImFont* font, const std::string& text, float width);

// Breaks text into lines no wider than `width`, shaped, at word boundaries. Lines stay in logical
// order: drawing shapes and orders each (platform/fonts.h). Cached: the same text is laid out once.
const std::vector<std::string>& wrap_lines(ImFont* font, const std::string& text, float width, bool rtl);
// Width of one logical line as drawn (shaped) in a paragraph of direction `rtl`.
float line_width(ImFont* font, const std::string& line, bool rtl = false);
// Width of a text on one line as it will be drawn.
float text_width(const DrawContext& dc, ImFont* font, const std::string& text);

// The back button in the top-left corner, on every step but the first and the last.
void back_button(DrawContext& dc);
// Its width, for laying out what shares its row.
float back_button_width(const DrawContext& dc);
// The message ids the shared widgets above use (the screens declare theirs in screen_table.cpp).
const std::vector<std::string>& widget_message_ids();

// A loudspeaker with sound waves, centred at c (for the read-aloud button).
void draw_speaker_icon(DrawContext& dc, ImVec2 c);

// "{seconds}" style placeholders.
std::string fill(std::string text, const std::string& key, const std::string& value);

}  // namespace lkp
