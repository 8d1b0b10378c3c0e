// The way into staff mode: an unmarked square in the top-left corner of the attract screen, the
// same corner in right-to-left languages so staff need not think. A resident who taps it starts
// the survey like anywhere else; only a press held there for staff::kCornerHold opens the PIN pad
// (and the attract screen's own long press, audio mode, does not start from there).
#include "screens.h"

namespace lkp {

namespace {

ImVec2 corner_size(const Layout& l) { return ImVec2(l.unit * 2.5f, l.unit * 2.5f); }

}  // namespace

bool last_press_began_in_staff_corner(const Layout& l) {
    ImVec2 at = ImGui::GetIO().MouseClickedPos[0], size = corner_size(l);
    return at.x >= 0 && at.y >= 0 && at.x < size.x && at.y < size.y;
}

bool press_began_in_staff_corner(const Layout& l) {
    return ImGui::IsMouseDown(0) && last_press_began_in_staff_corner(l);
}

void staff_corner(DrawContext& dc) {
    ImVec2 size = corner_size(dc.layout);
    dc.tree.add({"staff-corner", "button", "", 0, 0, size.x, size.y, true});
    if (!dc.staff || !press_began_in_staff_corner(dc.layout)) return;
    // Fired once, in the frame the hold passes the mark (KioskUi wakes the loop for that frame).
    const ImGuiIO& io = ImGui::GetIO();
    float hold = std::chrono::duration<float>(staff::kCornerHold).count();
    if (io.MouseDownDuration[0] >= hold && io.MouseDownDuration[0] - io.DeltaTime < hold)
        dc.staff_events.push_back(staff::event::CornerHeld{});
}

}  // namespace lkp
