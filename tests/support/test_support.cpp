#include "support/test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "record/utc.h"
#include "record/uuid.h"
#include "ui/kiosk_ui.h"

extern char** environ;

namespace lkp::test {

Response sample_response() {
    Response r;
    r.id = new_uuid_v4();
    r.kiosk_id = "k1";
    r.survey_id = "helsingborg-lkp";
    r.survey_version = 1;
    r.language = "sv";
    r.district = "022";
    r.answers = {{"trygghet", 2}, {"delaktighet", nullptr}, {"livskvalitet", 8}};
    r.started_at = "2026-11-22T10:00:00.000Z";
    r.submitted_at = "2026-11-22T10:00:40.000Z";
    return r;
}

TempDir::TempDir() {
    char tmpl[] = "/tmp/lkp-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

SmallDisk::SmallDisk(std::string path, const std::string& size) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    mounted_ = ::mount("lkp-test-disk", path_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
}

SmallDisk::~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
}

bool SmallDisk::make_read_only() {
    return ::mount(nullptr, path_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0;
}

void SmallDisk::fill() {
    int fd = ::open((path_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error(path_ + "/filler: " + std::strerror(errno));
    static const std::string zeros(4096, '\0');
    // Page by page, then byte by byte: a tmpfs may still take a partial page.
    for (std::size_t chunk : {zeros.size(), std::size_t{1}})
        while (::write(fd, zeros.data(), chunk) > 0) {
        }
    int error = errno;
    ::close(fd);
    if (error != ENOSPC) throw std::runtime_error(path_ + "/filler: expected ENOSPC, got " + std::strerror(error));
}

void SmallDisk::free_space() { std::filesystem::remove(path_ + "/filler"); }

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

Certificate self_signed_certificate(const TempDir& dir, const std::string& name) {
    Certificate c{dir.file(name + ".pem"), dir.file(name + ".key")};
    RunResult r = run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", c.key, "-out", c.cert});
    if (r.exit_code != 0) throw std::runtime_error("openssl: " + r.err);
    return c;
}

namespace {

// run() and run_with_input(): stdin from `input` when given, else the test's own.
RunResult spawn_and_wait(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                         const std::string* input) {
    TempDir tmp;
    std::string out_path = tmp.file("out"), err_path = tmp.file("err"), in_path = tmp.file("in");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (input) {
        write_file(in_path, *input);
        posix_spawn_file_actions_addopen(&fa, 0, in_path.c_str(), O_RDONLY, 0);
    }
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
    for (const auto& e : extra_env) env_store.push_back(e);
    std::vector<char*> env;
    for (auto& e : env_store) env.push_back(e.data());
    env.push_back(nullptr);
    pid_t pid = 0;
    RunResult r;
    if (posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), env.data()) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        r.err = "cannot start " + argv[0];
        return r;
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
    return spawn_and_wait(argv, extra_env, nullptr);
}

RunResult run_with_input(const std::vector<std::string>& argv, const std::string& input) {
    return spawn_and_wait(argv, {}, &input);
}

Response valid_response(const std::string& kiosk, std::int64_t seq) {
    static const KioskData data = builtin_data();
    Response r;
    r.id = new_uuid_v4();
    r.kiosk_id = kiosk;
    r.seq = seq;
    r.survey_id = data.survey.id;
    r.survey_version = data.survey.version;
    r.language = "sv";
    for (const auto& q : data.survey.questions)
        r.answers.emplace_back(q.id,
                               q.scale.kind == Scale::Kind::Numeric ? Json(q.scale.min) : q.scale.options.at(0).value);
    auto now = std::chrono::system_clock::now();
    r.started_at = format_utc(now - std::chrono::minutes(2));
    r.submitted_at = format_utc(now - std::chrono::minutes(1));
    return r;
}

KioskData builtin_data() { return load_kiosk_data(std::nullopt, ui_message_ids()); }

ResultsSnapshot sample_results(const Survey& survey) {
    ResultsSnapshot s;
    s.survey_id = survey.id;
    s.survey_version = survey.version;
    s.period_kind = "year";
    s.period = "2026";
    s.district = "041";
    s.fetched_at = "2026-11-30T10:00:00.000Z";
    s.rows = {
        {"trygghet_otrygg_andel", {32.5, 40, "shown"}, {28.0, 812, "shown"}},
        {"trygghet_trygg_andel", {std::nullopt, std::nullopt, "too_few"}, {64.25, 812, "shown"}},
        {"delaktighet_nii", {41.0, 38, "shown"}, {45.5, 790, "shown"}},
        {"livskvalitet_medel", {7.4, 39, "shown"}, {7.1, 805, "shown"}},
    };
    return s;
}

}  // namespace lkp::test
