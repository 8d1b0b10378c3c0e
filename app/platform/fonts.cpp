#include "fonts.h"

#include <sys/stat.h>

#include <stdexcept>

namespace lkp {

namespace {

// Latin with the extensions Nordic, Polish, Turkish and Bosnian need, plus dashes and quotes.
const ImWchar kLatinRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x0180, 0x024F, 0x2010, 0x205E, 0};

ImFont* add_font(const std::string& path, float size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error("font not found: " + path + " (install the Debian package fonts-noto-core)");
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    ImFont* f = ImGui::GetIO().Fonts->AddFontFromFileTTF(path.c_str(), size, &cfg, kLatinRanges);
    if (!f) throw std::runtime_error("cannot load font " + path);
    return f;
}

}  // namespace

Fonts load_fonts(float unit, const std::string& dir) {
    std::string regular = dir + "/NotoSans-Regular.ttf", bold = dir + "/NotoSans-Bold.ttf";
    Fonts f;
    f.body = add_font(regular, unit);
    f.title = add_font(bold, unit * 1.35f);
    f.number = add_font(bold, unit * 1.5f);
    f.small = add_font(regular, unit * 0.8f);
    return f;
}

}  // namespace lkp
