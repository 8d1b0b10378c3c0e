#include "window.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <atomic>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <deque>
#include <stdexcept>
#include <vector>

#include "png_file.h"

namespace lkp {

namespace {

std::atomic<bool> g_input{false};
std::string g_glfw_error;

// Pointer state in the order the X server reported it. ImGui 1.86 polls the cursor position
// once per frame, so a quick release followed by a touch elsewhere could land the release at
// the wrong place; replaying each press and release at its own position, one per frame,
// keeps every tap where the finger was.
struct PointerState {
    double x = -FLT_MAX, y = -FLT_MAX;
    bool down = false;
    std::chrono::steady_clock::time_point at;  // when the X server's event reached us
};
PointerState g_pointer;
std::chrono::steady_clock::time_point g_last_press;
std::deque<PointerState> g_pointer_queue;

void on_error(int, const char* what) { g_glfw_error = what ? what : "unknown error"; }

// Our callbacks only note that something happened; ImGui's (installed after, chaining to
// these) does the real input handling.
void on_cursor(GLFWwindow*, double x, double y) {
    g_pointer.x = x;
    g_pointer.y = y;
    g_input = true;
}
void on_button(GLFWwindow*, int button, int action, int) {
    if (button == GLFW_MOUSE_BUTTON_LEFT) {
        g_pointer.down = action == GLFW_PRESS;
        g_pointer.at = std::chrono::steady_clock::now();
        g_pointer_queue.push_back(g_pointer);
    }
    g_input = true;
}
void on_key(GLFWwindow*, int, int, int, int) { g_input = true; }
void on_scroll(GLFWwindow*, double, double) { g_input = true; }
void on_size(GLFWwindow*, int, int) { g_input = true; }
void on_focus(GLFWwindow*, int) { g_input = true; }

// In kiosk mode nobody may close the window: window-manager close and Alt+F4 are refused.
void refuse_close(GLFWwindow* w) { glfwSetWindowShouldClose(w, GLFW_FALSE); }

}  // namespace

Window::Window(const WindowOptions& o) : kiosk_(o.fullscreen) {
    glfwSetErrorCallback(on_error);
    if (!glfwInit()) throw std::runtime_error("cannot start the window system (" + g_glfw_error + "); is DISPLAY set?");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);

    GLFWmonitor* monitor = nullptr;
    int w = o.width, h = o.height;
    if (o.fullscreen) {
        int count = 0;
        GLFWmonitor** monitors = glfwGetMonitors(&count);
        if (count == 0) throw std::runtime_error("no monitor found");
        if (o.monitor >= count)
            std::fprintf(stderr, "lkp-kiosk: monitor %d not found (%d connected); using the first\n", o.monitor, count);
        monitor = monitors[o.monitor < count ? o.monitor : 0];
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        w = mode->width;
        h = mode->height;
    }
    window_ = glfwCreateWindow(w, h, "LKP Kiosk", monitor, nullptr);
    if (!window_) {
        glfwTerminate();
        throw std::runtime_error("cannot open a " + std::to_string(w) + "x" + std::to_string(h) +
                                 " OpenGL 3 window: " + g_glfw_error);
    }
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(1);

    glfwSetCursorPosCallback(window_, on_cursor);
    glfwSetMouseButtonCallback(window_, on_button);
    glfwSetKeyCallback(window_, on_key);
    glfwSetScrollCallback(window_, on_scroll);
    glfwSetFramebufferSizeCallback(window_, on_size);
    glfwSetWindowFocusCallback(window_, on_focus);
    if (kiosk_) {
        glfwSetWindowCloseCallback(window_, refuse_close);
        glfwSetInputMode(window_, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
    }

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing of one session may be kept for the next
    io.LogFilename = nullptr;
    if (kiosk_) io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 130");
}

Window::~Window() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    glfwTerminate();
}

int Window::width() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return w;
}

int Window::height() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return h;
}

bool Window::input_pending() const { return !g_pointer_queue.empty(); }

std::chrono::steady_clock::time_point Window::last_press() const { return g_last_press; }

bool Window::close_requested() const { return glfwWindowShouldClose(window_); }

bool Window::wait(double timeout_s) {
    if (timeout_s < 0)
        glfwWaitEvents();
    else if (timeout_s == 0)
        glfwPollEvents();
    else
        glfwWaitEventsTimeout(timeout_s);
    return g_input.exchange(false);
}

void Window::wake() { glfwPostEmptyEvent(); }

void Window::begin_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    PointerState p = g_pointer;
    if (!g_pointer_queue.empty()) {
        p = g_pointer_queue.front();
        g_pointer_queue.pop_front();
        if (p.down) g_last_press = p.at;
    }
    io.MousePos = ImVec2(static_cast<float>(p.x), static_cast<float>(p.y));
    io.MouseDown[0] = p.down;
    ImGui::NewFrame();
}

void Window::end_frame(ImU32 background) {
    ImGui::Render();
    glViewport(0, 0, width(), height());
    ImVec4 c = ImGui::ColorConvertU32ToFloat4(background);
    glClearColor(c.x, c.y, c.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Window::present() { glfwSwapBuffers(window_); }

bool Window::save_screenshot(const std::string& path) const {
    int w = width(), h = height();
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 3);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    return write_png_bottom_up(path, pixels.data(), w, h);
}

}  // namespace lkp
