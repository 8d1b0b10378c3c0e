#include "screenshots.h"

#include <cstdio>

namespace lkp {

ScreenshotAfterChange::ScreenshotAfterChange(std::string dir) : dir_(std::move(dir)) {}

std::optional<std::string> ScreenshotAfterChange::take(const std::string& screen, const std::string& language) {
    if (!pending_) return std::nullopt;
    pending_ = false;
    char number[16];
    std::snprintf(number, sizeof number, "%03d", ++taken_);
    return dir_ + "/" + number + "-" + screen + "-" + language + ".png";
}

}  // namespace lkp
