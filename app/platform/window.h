#pragma once
// The GLFW window with ImGui on OpenGL 3: fullscreen for the kiosk, or a window for development.
// It knows nothing about surveys; it turns the OS's events into "something happened" and frames.
#include <imgui.h>

#include <chrono>
#include <memory>
#include <string>

struct GLFWwindow;

namespace lkp {

struct WindowOptions {
    bool fullscreen = true;
    int monitor = 0;
    int width = 1280, height = 800;  // windowed size
};

class Window {
  public:
    // Opens the window and initialises ImGui; throws std::runtime_error with the reason.
    explicit Window(const WindowOptions& options);
    ~Window();
    Window(const Window&) = delete;

    int width() const;
    int height() const;
    bool close_requested() const;
    bool input_pending() const;  // taps not yet replayed to ImGui: keep drawing frames
    // When the press now being replayed happened (its event's arrival, not the frame's time).
    std::chrono::steady_clock::time_point last_press() const;

    // Sleeps until input arrives or `timeout_s` passes (negative: no timeout). True if input arrived.
    bool wait(double timeout_s);
    static void wake();  // thread-safe: makes wait() return

    void begin_frame();
    // Renders ImGui's draw data on `background`; call present() after any screenshot.
    void end_frame(ImU32 background);
    void present();
    // Writes the back buffer (the frame just rendered) as a PNG.
    bool save_screenshot(const std::string& path) const;

  private:
    GLFWwindow* window_ = nullptr;
    bool kiosk_ = true;
};

}  // namespace lkp
