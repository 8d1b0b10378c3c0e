// Screenshots after a change: one picture of each new screen, of the frame after the change,
// numbered in order; none without --screenshot-dir.
#include "shell/screenshots.h"

#include <gtest/gtest.h>

namespace lkp {
namespace {

// One drawn frame as the loop goes through it: take what is due, then say if the tree changed.
std::optional<std::string> frame(ScreenshotAfterChange& shots, bool tree_changed, const std::string& screen,
                                 const std::string& language = "sv") {
    auto path = shots.take(screen, language);
    shots.tree_ended(tree_changed);
    return path;
}

TEST(ScreenshotAfterChange, TakesTheFrameAfterEachChange) {
    ScreenshotAfterChange shots("/shots");
    EXPECT_EQ(frame(shots, true, "attract"), std::nullopt) << "not the frame that changed";
    EXPECT_EQ(shots.frames_wanted(), 2) << "this frame and the one to take";
    EXPECT_EQ(frame(shots, false, "attract"), "/shots/001-attract-sv.png");
    EXPECT_EQ(shots.frames_wanted(), 0);
    EXPECT_EQ(frame(shots, false, "attract"), std::nullopt) << "nothing changed";

    frame(shots, true, "language");
    EXPECT_EQ(frame(shots, true, "language", "ar"), "/shots/002-language-ar.png");
    EXPECT_EQ(shots.frames_wanted(), 2) << "that frame changed too";
    EXPECT_EQ(frame(shots, false, "district", "ar"), "/shots/003-district-ar.png");
}

TEST(ScreenshotAfterChange, NoneWithoutAFolder) {
    ScreenshotAfterChange shots("");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(frame(shots, true, "attract"), std::nullopt);
        EXPECT_EQ(shots.frames_wanted(), 0);
    }
}

}  // namespace
}  // namespace lkp
