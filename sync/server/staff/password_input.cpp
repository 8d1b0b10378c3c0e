#include "password_input.h"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "passwords.h"
#include "staff_auth.h"

namespace lkp::server::staff {

namespace {

// The terminal's settings while echo is off, so a Ctrl-C at the prompt still gives it back.
termios g_saved;

extern "C" void restore_and_die(int sig) {
    tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// One line typed at the terminal without echo; the prompt goes to stderr once echo is off (what
// is typed after seeing it is never shown).
std::string ask_without_echo(const std::string& prompt) {
    termios quiet{};
    bool muted = tcgetattr(STDIN_FILENO, &g_saved) == 0;
    if (muted) {
        quiet = g_saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;  // the Enter still moves to the next line
        std::signal(SIGINT, restore_and_die);
        std::signal(SIGTERM, restore_and_die);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::cerr << prompt << std::flush;
    std::string line;
    bool got = static_cast<bool>(std::getline(std::cin, line));
    if (muted) {
        tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
    if (!got) throw BadStaffInput("no password was typed (end of input)");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// stdin that is no terminal: nothing (or one empty line), or exactly one line.
std::string read_piped() {
    constexpr std::size_t kMax = 64 * 1024;
    std::string all;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
        all.append(buffer, n);
        if (all.size() > kMax) throw BadStaffInput("stdin holds more than 64 KiB; give the password alone on one line");
    }
    std::size_t end = all.find('\n');
    std::string line = all.substr(0, end);
    if (end != std::string::npos && all.find_first_not_of("\r\n", end) != std::string::npos)
        throw BadStaffInput("stdin holds more than one line; give the password alone on one line");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace

NewPassword read_new_password(const std::string& name, bool generate) {
    std::string password;
    if (!generate && isatty(STDIN_FILENO)) {
        password = ask_without_echo("New password for " + name + " (at least " + std::to_string(kMinPasswordChars) +
                                    " characters; empty: make one): ");
        if (!password.empty() && ask_without_echo("The same again: ") != password)
            throw BadStaffInput("the two passwords differ; nothing was changed");
    } else if (!generate) {
        password = read_piped();
    }
    if (password.empty()) return {generate_password(), true};
    if (auto problem = password_problem(password)) throw BadStaffInput(*problem);
    return {password, false};
}

}  // namespace lkp::server::staff
