// Asks a window to close the way a window manager does on Alt+F4 or the title bar's X button:
// a WM_DELETE_WINDOW client message. Usage: send_close_request WINDOW_NAME
#include <X11/Xatom.h>
#include <X11/Xlib.h>

#include <cstdio>
#include <cstring>

namespace {

Window find(Display* d, Window w, const char* name) {
    char* n = nullptr;
    if (XFetchName(d, w, &n) && n) {
        bool match = std::strcmp(n, name) == 0;
        XFree(n);
        if (match) return w;
    }
    Window root = 0, parent = 0, *children = nullptr;
    unsigned int count = 0;
    Window found = 0;
    if (XQueryTree(d, w, &root, &parent, &children, &count)) {
        for (unsigned int i = 0; i < count && !found; ++i) found = find(d, children[i], name);
        if (children) XFree(children);
    }
    return found;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    Display* d = XOpenDisplay(nullptr);
    if (!d) return 3;
    Window w = find(d, DefaultRootWindow(d), argv[1]);
    if (!w) {
        std::fprintf(stderr, "no window named %s\n", argv[1]);
        return 1;
    }
    XEvent e{};
    e.xclient.type = ClientMessage;
    e.xclient.window = w;
    e.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
    e.xclient.format = 32;
    e.xclient.data.l[0] = static_cast<long>(XInternAtom(d, "WM_DELETE_WINDOW", False));
    e.xclient.data.l[1] = CurrentTime;
    XSendEvent(d, w, False, NoEventMask, &e);
    XFlush(d);
    XCloseDisplay(d);
    return 0;
}
