#include "killed_writer.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lkp {

std::vector<std::string> run_writer_until_killed(const std::vector<std::string>& args,
                                                 const std::vector<std::string>& env,
                                                 std::chrono::microseconds run_for) {
    // Made before fork: the child only execs.
    std::vector<std::string> arg_strings = {LKP_CRASH_WRITER};
    arg_strings.insert(arg_strings.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& s : arg_strings) argv.push_back(const_cast<char*>(s.c_str()));
    argv.push_back(nullptr);
    for (const auto& s : env) envp.push_back(const_cast<char*>(s.c_str()));
    envp.push_back(nullptr);

    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    const auto cut = std::chrono::steady_clock::now() + run_for;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        if (env.empty())
            execv(LKP_CRASH_WRITER, argv.data());
        else
            execve(LKP_CRASH_WRITER, argv.data(), envp.data());
        _exit(127);
    }
    close(fds[1]);
    std::string out;
    char buf[4096];
    for (auto now = std::chrono::steady_clock::now(); now < cut; now = std::chrono::steady_clock::now()) {
        auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(cut - now).count();
        timespec timeout{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
        pollfd p{fds[0], POLLIN, 0};
        if (ppoll(&p, 1, &timeout, nullptr) <= 0) continue;
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) break;  // it ended on its own; reported below
        out.append(buf, static_cast<size_t>(n));
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the writer ended on its own: status " << status;
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    close(fds[0]);

    std::vector<std::string> ids;
    for (size_t start = 0, nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
        ids.push_back(out.substr(start, nl - start));
    return ids;
}

}  // namespace lkp
