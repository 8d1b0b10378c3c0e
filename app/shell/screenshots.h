#pragma once
// Pictures of the screens for the end-to-end tests and for people to review (--screenshot-dir):
// one of each new screen, taken one frame after its UI tree changed, so what that frame's taps
// changed (a highlighted letter, say) is in the picture too. Files are numbered in the order
// taken: DIR/001-attract-sv.png, DIR/002-language-sv.png, ...
#include <optional>
#include <string>

namespace lkp {

class ScreenshotAfterChange {
  public:
    explicit ScreenshotAfterChange(std::string dir);  // empty: no pictures

    // Once per drawn frame, rendered but not yet shown: the file to save this frame to, when the
    // frame before asked for a picture.
    std::optional<std::string> take(const std::string& screen, const std::string& language);
    // Then, whether this frame's UI tree changed (UiTree::end()): if so the next frame is taken.
    void tree_ended(bool changed) { pending_ = changed && !dir_.empty(); }
    // Frames the loop must still draw for a picture asked for: this one and the next.
    int frames_wanted() const { return pending_ ? 2 : 0; }

  private:
    std::string dir_;
    int taken_ = 0;
    bool pending_ = false;
};

}  // namespace lkp
