#include "fonts.h"

#include <imgui_internal.h>  // ImTextCharFromUtf8
#include <sys/stat.h>

#include <stdexcept>

#include "i18n/bidi.h"

namespace lkp {

const std::vector<ScriptFont>& script_fonts() {
    // Noto's Arabic is drawn smaller than Latin at the same pixel size; measured side by side
    // on the question screen, 1.4x makes the two read as one size.
    static const std::vector<ScriptFont> fonts = {
        {"NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", 1.6f},
        {"NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", 1.0f},
        {"NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf", 1.0f},
    };
    return fonts;
}

namespace {

std::string require_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error("font not found: " + path + " (install the Debian package fonts-noto-core)");
    return path;
}

}  // namespace

FontSets load_fonts(float unit, const std::vector<std::string>& texts, const std::string& dir,
                    const std::vector<ScriptFont>& scripts) {
    // The glyph list must outlive the atlas build, which keeps a pointer to it.
    static ImVector<ImWchar> ranges;
    ImFontGlyphRangesBuilder builder;
    // Digits and the few characters screens add themselves (the "·" between progress and note).
    builder.AddText("0123456789 .,:;!?()+-–%/·");
    for (const auto& t : texts) {
        builder.AddText(t.c_str());
        if (has_rtl(t)) builder.AddText(visual_line(t, true).c_str());  // the shaped, joined forms
    }
    ranges.clear();
    builder.BuildRanges(&ranges);

    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    auto add = [&](bool bold, float size) {
        ImFontConfig cfg;
        cfg.OversampleH = 1;  // drawn at the exact pixel size; oversampling only grows the atlas
        ImFont* f = atlas->AddFontFromFileTTF(
            require_file(dir + (bold ? "/NotoSans-Bold.ttf" : "/NotoSans-Regular.ttf")).c_str(), size, &cfg,
            ranges.Data);
        if (!f) throw std::runtime_error("cannot load the fonts in " + dir);
        for (const ScriptFont& s : scripts) {
            ImFontConfig merge;
            merge.MergeMode = true;
            merge.OversampleH = 1;
            // Keep the larger script on the Latin baseline's visual centre.
            merge.GlyphOffset.y = -size * (s.scale - 1.0f) * 0.2f;
            if (!atlas->AddFontFromFileTTF(require_file(dir + "/" + (bold ? s.bold : s.regular)).c_str(),
                                           size * s.scale, &merge, ranges.Data))
                throw std::runtime_error("cannot load " + dir + "/" + (bold ? s.bold : s.regular));
        }
        return f;
    };
    auto set = [&](float u) {
        Fonts f;
        f.body = add(false, u);
        f.title = add(true, u * 1.35f);
        f.number = add(true, u * 1.5f);
        f.small = add(false, u * 0.8f);
        return f;
    };
    FontSets sets{set(unit), set(unit * kLargeTextScale)};
    if (!atlas->Build()) throw std::runtime_error("the font atlas could not be built");
    return sets;
}

std::u32string missing_glyphs(ImFont* font, const std::string& text) {
    std::u32string missing;
    const char* s = text.c_str();
    const char* end = s + text.size();
    while (s < end) {
        unsigned int c = 0;
        s += ImTextCharFromUtf8(&c, s, end);
        if (c == 0) break;
        if (c != ' ' && c != '\n' && !font->FindGlyphNoFallback(static_cast<ImWchar>(c)))
            missing += static_cast<char32_t>(c);
    }
    return missing;
}

}  // namespace lkp
