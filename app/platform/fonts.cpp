#include "fonts.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "i18n/bidi.h"
#include "i18n/shaper.h"

namespace lkp {

const std::vector<ScriptFont>& script_fonts() {
    // Noto's Arabic is drawn smaller than Latin at the same pixel size; measured side by side
    // on the question screen, 1.6x makes the two read as one size.
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

// Where a glyph is in the atlas and how it sits on its origin.
struct AtlasGlyph {
    ImVec2 uv0, uv1;
    float left = 0, top = 0, w = 0, h = 0;
};

uint64_t glyph_key(int font, int file, uint32_t gid) {
    return (static_cast<uint64_t>(font) << 40) | (static_cast<uint64_t>(file) << 32) | gid;
}

// The shaper and glyphs behind one ImGui atlas (tests build several contexts, one after another).
struct TextState {
    Shaper shaper;
    std::unordered_map<const ImFont*, int> font_of;
    std::unordered_map<uint64_t, AtlasGlyph> glyphs;
    std::unordered_map<std::string, ShapedLine> lines;  // cache: the idle screen shapes nothing
};

std::unordered_map<const ImFontAtlas*, std::unique_ptr<TextState>>& states() {
    static std::unordered_map<const ImFontAtlas*, std::unique_ptr<TextState>> s;
    return s;
}

TextState& state_of(const ImFont* font) {
    auto it = states().find(font->ContainerAtlas);
    if (it == states().end()) throw std::logic_error("a font not made by load_fonts");
    return *it->second;
}

int font_id(TextState& s, const ImFont* font) {
    auto it = s.font_of.find(font);
    if (it == s.font_of.end()) throw std::logic_error("a font not made by load_fonts");
    return it->second;
}

const ShapedLine& shaped(ImFont* font, const std::string& line, bool rtl) {
    TextState& s = state_of(font);
    int id = font_id(s, font);
    std::string key = std::to_string(id) + (rtl ? "r" : "l") + line;
    auto it = s.lines.find(key);
    if (it != s.lines.end()) return it->second;
    if (s.lines.size() > 20000) s.lines.clear();  // bounded: texts are finite, numbers are not
    return s.lines.emplace(key, s.shaper.shape(id, line, rtl)).first->second;
}

// Runs task(0..n-1) on up to as many threads as there are cores; rethrows the first error.
template <typename Task>
void parallel(size_t n, Task task) {
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
        for (size_t i; (i = next++) < n;) try {
                task(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
            }
    };
    std::vector<std::thread> threads;
    size_t cores = std::max(1u, std::thread::hardware_concurrency());
    for (size_t t = 1; t < std::min(n, cores); ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace

FontSets load_fonts(float unit, const std::vector<std::string>& texts, const std::string& dir,
                    const std::vector<ScriptFont>& scripts) {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    auto state = std::make_unique<TextState>();
    Shaper& shaper = state->shaper;
    int chain[2];
    for (int bold = 0; bold < 2; ++bold) {
        std::vector<ChainFile> files{
            {require_file(dir + (bold ? "/NotoSans-Bold.ttf" : "/NotoSans-Regular.ttf")), 1.0f}};
        for (const ScriptFont& s : scripts)
            files.push_back({require_file(dir + "/" + (bold ? s.bold : s.regular)), s.scale});
        chain[bold] = shaper.add_chain(files);
    }

    // ImGui needs an ImFont per size; it draws nothing with them, so each holds only a space.
    static const ImWchar kSpaceOnly[] = {0x20, 0x20, 0};
    std::map<std::pair<int, long>, int> sized;  // (chain, size in 1/64 px): the same size is rasterised once
    auto add = [&](bool bold, float size) {
        ImFontConfig cfg;
        cfg.SizePixels = size;
        cfg.GlyphRanges = kSpaceOnly;
        ImFont* f = atlas->AddFontDefault(&cfg);
        auto key = std::make_pair(chain[bold], std::lround(size * 64));
        auto it = sized.find(key);
        if (it == sized.end()) it = sized.emplace(key, shaper.add_font(chain[bold], size)).first;
        state->font_of[f] = it->second;
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

    // The glyphs each chain needs: every text shaped once per chain (glyph ids do not depend on
    // the size), in its own direction and, if it has mirrored brackets, in the other too. Digits
    // and the few characters screens add themselves, from every file that has them.
    std::vector<std::pair<int, uint32_t>> needed[2];  // (file, glyph id), sorted, unique
    std::unordered_set<std::string> lines;
    for (const auto& t : texts) {
        size_t start = 0;
        while (start <= t.size()) {
            size_t nl = t.find('\n', start);
            if (nl == std::string::npos) nl = t.size();
            if (nl > start) lines.insert(t.substr(start, nl - start));
            start = nl + 1;
        }
    }
    const std::string extra = "0123456789 .,:;!?()+-–%/·";
    auto collect_chain = [&](size_t c) {
        int probe = sized.begin()->second;
        for (const auto& [key, id] : sized)
            if (key.first == chain[c]) probe = id;
        auto& out = needed[c];
        // Most glyphs recur in many lines: kept once as found, the list to sort stays short.
        std::unordered_set<uint64_t> seen;
        auto keep = [&](int file, uint32_t gid) {
            if (seen.insert(static_cast<uint64_t>(file) << 32 | gid).second) out.push_back({file, gid});
        };
        auto collect = [&](const std::string& line, bool rtl) {
            for (const ShapedGlyph& g : shaper.shape(probe, line, rtl).glyphs) keep(g.file, g.gid);
        };
        for (const std::string& line : lines) {
            bool rtl = has_rtl(line);
            collect(line, rtl);
            if (line.find_first_of("()[]{}<>«»") != std::string::npos) collect(line, !rtl);
        }
        for (char32_t ch : utf8_to_u32(extra))
            for (size_t file = 0; file < 1 + scripts.size(); ++file)
                if (uint32_t gid = shaper.glyph_for(chain[c], static_cast<int>(file), ch))
                    keep(static_cast<int>(file), gid);
        std::sort(out.begin(), out.end());
    };

    // Rasterise them at every size of their chain. Start-up is most of this work: the chains
    // are shaped, and the sizes rasterised, on as many threads as there are cores.
    struct Pending {
        uint64_t key;
        GlyphBitmap bitmap;
        int rect;
    };
    std::vector<std::pair<int, int>> tasks;  // (font id, chain index)
    for (const auto& [key, id] : sized) tasks.push_back({id, key.first == chain[0] ? 0 : 1});
    std::vector<std::vector<Pending>> rendered(tasks.size());
    auto render_size = [&](size_t t) {
        auto [id, c] = tasks[t];
        for (const auto& [file, gid] : needed[c])
            rendered[t].push_back({glyph_key(id, file, gid), shaper.render(id, file, gid), -1});
    };
    parallel(2, collect_chain);
    parallel(tasks.size(), render_size);
    shaper.end_rendering();

    std::vector<Pending> pending;
    long area = 0;
    for (auto& r : rendered)
        for (Pending& p : r) {
            if (p.bitmap.width == 0 || p.bitmap.rows == 0) {
                state->glyphs[p.key] = AtlasGlyph{};  // a space: nothing to draw
                continue;
            }
            area += static_cast<long>(p.bitmap.width + 1) * (p.bitmap.rows + 1);
            pending.push_back(std::move(p));
        }
    // ImGui sizes the texture from its own glyphs only; ours are the rest.
    int width = 512;
    while (width < 8192 && static_cast<long>(width) * width < area * 13 / 10) width *= 2;
    atlas->TexDesiredWidth = width;
    for (Pending& p : pending) p.rect = atlas->AddCustomRectRegular(p.bitmap.width + 1, p.bitmap.rows + 1);
    if (!atlas->Build()) throw std::runtime_error("the font atlas could not be built");

    // The OpenGL backend uploads the RGBA32 copy, which ImGui makes from the Alpha8 pixels on
    // first request; write both if both exist.
    unsigned char* alpha = nullptr;
    int tw = 0, th = 0;
    atlas->GetTexDataAsAlpha8(&alpha, &tw, &th);
    for (const Pending& p : pending) {
        const ImFontAtlasCustomRect* r = atlas->GetCustomRectByIndex(p.rect);
        for (int y = 0; y < p.bitmap.rows; ++y)
            for (int x = 0; x < p.bitmap.width; ++x) {
                unsigned char a = p.bitmap.alpha[static_cast<size_t>(y * p.bitmap.width + x)];
                size_t at = static_cast<size_t>((r->Y + y) * tw + r->X + x);
                alpha[at] = a;
                if (atlas->TexPixelsRGBA32) atlas->TexPixelsRGBA32[at] = IM_COL32(255, 255, 255, a);
            }
        AtlasGlyph g;
        g.uv0 = ImVec2(static_cast<float>(r->X) / static_cast<float>(tw),
                       static_cast<float>(r->Y) / static_cast<float>(th));
        g.uv1 = ImVec2(static_cast<float>(r->X + p.bitmap.width) / static_cast<float>(tw),
                       static_cast<float>(r->Y + p.bitmap.rows) / static_cast<float>(th));
        g.left = static_cast<float>(p.bitmap.left);
        g.top = static_cast<float>(p.bitmap.top);
        g.w = static_cast<float>(p.bitmap.width);
        g.h = static_cast<float>(p.bitmap.rows);
        state->glyphs[p.key] = g;
    }
    states()[atlas] = std::move(state);
    return sets;
}

std::u32string missing_glyphs(ImFont* font, const std::string& text) {
    TextState& s = state_of(font);
    int chain = s.shaper.chain_of(font_id(s, font));
    std::u32string missing;
    for (char32_t c : utf8_to_u32(text))
        if (c != ' ' && c != '\n' && !s.shaper.covers(chain, c)) missing += c;
    return missing;
}

float shaped_width(ImFont* font, const std::string& line, bool rtl) { return shaped(font, line, rtl).width; }

float measure_line(ImFont* font, const std::string& line, bool rtl) {
    TextState& s = state_of(font);
    return s.shaper.shape(font_id(s, font), line, rtl).width;
}

bool atlas_holds(ImFont* font, const std::string& line, bool rtl) {
    TextState& s = state_of(font);
    int id = font_id(s, font);
    const ShapedLine& l = shaped(font, line, rtl);
    for (const ShapedGlyph& g : l.glyphs)
        if (!s.glyphs.count(glyph_key(id, g.file, g.gid))) return false;
    return !l.notdef;
}

void draw_line(ImDrawList* dl, ImFont* font, const std::string& line, bool rtl, ImVec2 pos, ImU32 colour) {
    TextState& s = state_of(font);
    int id = font_id(s, font);
    const ShapedLine& l = shaped(font, line, rtl);
    float x0 = std::floor(pos.x), baseline = std::floor(pos.y) + s.shaper.ascent(id);
    int quads = 0;
    std::vector<std::pair<const AtlasGlyph*, ImVec2>> drawn;
    drawn.reserve(l.glyphs.size());
    for (const ShapedGlyph& g : l.glyphs) {
        auto it = s.glyphs.find(glyph_key(id, g.file, g.gid));
        // A glyph outside the atlas (a text not known at start-up) is left out, its room kept.
        if (it == s.glyphs.end() || it->second.w == 0) continue;
        const AtlasGlyph& a = it->second;
        drawn.push_back({&a, ImVec2(std::round(x0 + g.x) + a.left, std::round(baseline + g.y) - a.top)});
        ++quads;
    }
    if (quads == 0) return;
    dl->PushTextureID(font->ContainerAtlas->TexID);
    dl->PrimReserve(quads * 6, quads * 4);
    for (const auto& [a, p] : drawn) dl->PrimRectUV(p, ImVec2(p.x + a->w, p.y + a->h), a->uv0, a->uv1, colour);
    dl->PopTextureID();
}

}  // namespace lkp
