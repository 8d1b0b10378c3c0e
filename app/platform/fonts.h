#pragma once
// Noto fonts from Debian's fonts-noto-core, found at run time and built into ImGui's atlas once.
#include <string>

#include "ui/widgets.h"

namespace lkp {

inline constexpr const char* kNotoDir = "/usr/share/fonts/truetype/noto";

// Adds the kiosk's fonts at `unit` pixels to ImGui's atlas. Throws std::runtime_error naming
// the missing file and the Debian package that provides it.
Fonts load_fonts(float unit, const std::string& font_dir = kNotoDir);

}  // namespace lkp
