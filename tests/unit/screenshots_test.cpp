// Screenshots after a change: one picture of each new screen, of the frame after the change,
// numbered in order; none without --screenshot-dir.
#include "shell/screenshots.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <memory>
#include <vector>

#include "platform/png_file.h"
#include "support/test_support.h"

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

// The PNG writer's files, read back by another decoder (stb_image): every pixel where it was, the
// rows turned top-down.
TEST(PngFile, ADecoderReadsBackEveryPixelTopDown) {
    const int w = 7, h = 5;
    std::vector<unsigned char> bottom_up(static_cast<std::size_t>(w * h * 3));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                bottom_up[static_cast<std::size_t>((y * w + x) * 3 + c)] =
                    static_cast<unsigned char>(y * 40 + x * 5 + c);
    test::TempDir dir;
    ASSERT_TRUE(write_png_bottom_up(dir.file("shot.png"), bottom_up.data(), w, h));
    int rw = 0, rh = 0, channels = 0;
    std::unique_ptr<unsigned char, decltype(&stbi_image_free)> read(
        stbi_load(dir.file("shot.png").c_str(), &rw, &rh, &channels, 3), stbi_image_free);
    ASSERT_NE(read, nullptr) << stbi_failure_reason();
    ASSERT_EQ(rw, w);
    ASSERT_EQ(rh, h);
    EXPECT_EQ(channels, 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                ASSERT_EQ(read.get()[(y * w + x) * 3 + c],
                          bottom_up[static_cast<std::size_t>(((h - 1 - y) * w + x) * 3 + c)])
                    << "pixel " << x << "," << y << " channel " << c;
}

TEST(PngFile, AFolderThatIsNotThereIsAFalseNotACrash) {
    std::vector<unsigned char> pixel(3, 0);
    EXPECT_FALSE(write_png_bottom_up("/nonexistent-folder/shot.png", pixel.data(), 1, 1));
    EXPECT_FALSE(write_png_bottom_up("/tmp/never.png", pixel.data(), 0, 1));
}

}  // namespace
}  // namespace lkp
