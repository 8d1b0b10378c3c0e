#include "support/headless_ui.h"

#include "platform/fonts.h"

namespace lkp::test {

HeadlessKiosk::HeadlessKiosk(const KioskData& data, float width, float height)
    : data_(data),
      width_(width),
      height_(height),
      context_(ImGui::CreateContext()),
      session_(data.survey, data.districts, data.session_settings()),
      ui_(data.translations, tree_) {
    ImGui::GetIO().IniFilename = nullptr;
    fonts_ = load_fonts(Layout::for_window(width, height).unit, data.all_texts());
}

HeadlessKiosk::~HeadlessKiosk() { ImGui::DestroyContext(context_); }

const UiTree& HeadlessKiosk::frame() {
    now_ = now_ + std::chrono::seconds(1);
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(width_, height_);
    io.DeltaTime = 1.0f / 60;
    io.MousePos = mouse_;
    io.MouseDown[0] = mouse_down_;
    ImGui::NewFrame();
    auto events = ui_.draw(session_, fonts_, width_, height_, now_, false);
    ImGui::Render();
    tree_.end();
    for (const auto& e : events) session_.handle(e, now_);
    return tree_;
}

bool HeadlessKiosk::tap(const std::string& id) {
    for (const auto& e : tree_.elements()) {
        if (e.id != id) continue;
        mouse_ = ImVec2(e.x + e.w / 2, e.y + e.h / 2);
        mouse_down_ = true;
        frame();
        mouse_down_ = false;
        frame();
        mouse_ = ImVec2(-1, -1);
        frame();
        return true;
    }
    return false;
}

void HeadlessKiosk::wait(std::chrono::seconds s) {
    now_ = now_ + std::chrono::duration_cast<std::chrono::milliseconds>(s);
    session_.tick(now_);
}

}  // namespace lkp::test
