// The real lkp-kiosk in a real X server (Xvfb), tapped with real X pointer events (xdotool)
// at the rectangles its UI tree reports. Screenshots of every screen land in
// build/screenshots/e2e/<test>/ for a person to look at.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "kiosk_db/kiosk_database.h"
#include "support/notify_socket.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int stdout_fd = -1) {
    pid_t pid = fork();
    if (pid == 0) {
        if (stdout_fd >= 0) dup2(stdout_fd, 1);
        for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

int stop(pid_t pid, int sig = SIGTERM) {
    if (pid <= 0) return -1;
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// An X server of our own, on a display number it picks itself.
class Xvfb {
  public:
    explicit Xvfb(const std::string& size) {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe");
        pid_ =
            spawn({"Xvfb", "-displayfd", std::to_string(fds[1]), "-screen", "0", size + "x24", "-nolisten", "tcp"}, {});
        close(fds[1]);
        char buf[16] = {};
        ssize_t n = read(fds[0], buf, sizeof buf - 1);
        close(fds[0]);
        if (n <= 0) throw std::runtime_error("Xvfb did not start (apt-get install xvfb)");
        display_ = ":" + std::string(buf, static_cast<size_t>(n - (buf[n - 1] == '\n')));
    }
    ~Xvfb() { stop(pid_); }
    const std::string& display() const { return display_; }

  private:
    pid_t pid_ = -1;
    std::string display_;
};

// One kiosk in its own X server, and what a tester does with it: start it, read its UI tree, tap.
// Screenshots go to build/screenshots/e2e/<shots_name>/.
class KioskDriver {
  public:
    KioskDriver(const std::string& screen, const std::string& shots_name)
        : x_(screen), shots_(std::string(LKP_BUILD_DIR) + "/screenshots/e2e/" + shots_name) {
        std::filesystem::remove_all(shots_);
        std::filesystem::create_directories(shots_);
    }
    ~KioskDriver() { stop(kiosk_); }
    KioskDriver(const KioskDriver&) = delete;

    // `window`: the windowed size, or "" for fullscreen.
    // `env`: more variables for the kiosk, e.g. systemd's NOTIFY_SOCKET.
    void start_kiosk(const std::string& config_text, const std::string& window = "1280x800",
                     std::vector<std::string> env = {}) {
        test::write_file(dir_.file("kiosk.conf"), config_text);
        std::vector<std::string> args = {LKP_KIOSK_BIN, "--config",  dir_.file("kiosk.conf"), "--data-dir", data(),
                                         "--ui-tree",   tree_path(), "--screenshot-dir",      shots_};
        if (!window.empty()) args.insert(args.end(), {"--windowed", window});
        env.push_back("DISPLAY=" + x_.display());
        kiosk_ = spawn(args, env);
        wait_for_screen("attract");
    }
    bool kiosk_running() {
        int status = 0;
        return kiosk_ > 0 && waitpid(kiosk_, &status, WNOHANG) == 0;
    }
    void request_close() {
        auto r = test::run({LKP_SEND_CLOSE, "LKP Kiosk"}, {"DISPLAY=" + x_.display()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    int stop_kiosk() {
        int code = stop(kiosk_);
        kiosk_ = -1;
        return code;
    }

    std::string data() const { return dir_.file("data"); }
    std::string tree_path() const { return dir_.file("tree.json"); }

    Json tree() const {
        try {
            return Json::parse(test::read_file(tree_path()));
        } catch (const std::exception&) {
            return Json();  // not written yet
        }
    }

    Json wait_for_screen(const std::string& screen, std::chrono::seconds limit = 15s) {
        auto until = Clock::now() + limit;
        Json t;
        while (Clock::now() < until) {
            t = tree();
            if (t.is_object() && t["screen"] == screen) return t;
            std::this_thread::sleep_for(20ms);
        }
        ADD_FAILURE() << "screen \"" << screen << "\" did not appear; last tree: " << t.dump();
        throw std::runtime_error("timeout");
    }

    bool has_label(const Json& t, const std::string& label) const {
        for (const auto& e : t["elements"])
            if (e["label"] == label) return true;
        return false;
    }
    // Waits until the screen shows (or stops showing) an element labelled `label`.
    void wait_for_label(const std::string& label, bool shown) {
        auto until = Clock::now() + 15s;
        while (Clock::now() < until) {
            if (has_label(tree(), label) == shown) return;
            std::this_thread::sleep_for(20ms);
        }
        FAIL() << "\"" << label << "\" never " << (shown ? "appeared" : "went away");
    }

    // Waits until the element `id` is shown selected (a toggle on, a language chosen).
    void wait_for_selected(const std::string& id) {
        auto until = Clock::now() + 15s;
        while (Clock::now() < until) {
            Json t = tree();
            for (const auto& e : t["elements"])
                if (e["id"] == id && e.value("selected", false)) return;
            std::this_thread::sleep_for(20ms);
        }
        FAIL() << id << " never shown selected";
    }

    // A finger's tap at (x, y). `mousemove --sync` waits for the pointer to move, which it never
    // does when it is already there (the same key twice): every other tap lands one pixel over.
    void click_at(int x, int y) {
        x += (taps_++ % 2);
        auto r = test::run({"xdotool", "mousemove", "--sync", std::to_string(x), std::to_string(y), "mousedown", "1",
                            "sleep", "0.08", "mouseup", "1"},
                           {"DISPLAY=" + x_.display()});
        ASSERT_EQ(r.exit_code, 0) << "xdotool: " << r.err << " (apt-get install xdotool)";
    }

    // Taps the element whose visible label is `label`, as a finger on a touchscreen would:
    // not faster than a person reads a new screen (the kiosk drops taps in the first 300 ms).
    void tap(const std::string& label, std::chrono::milliseconds read_time = 400ms) {
        std::this_thread::sleep_for(read_time);
        Json t = tree();
        for (const auto& e : t["elements"]) {
            if (e["label"] != label) continue;
            click_at(e["x"].get<int>() + e["w"].get<int>() / 2, e["y"].get<int>() + e["h"].get<int>() / 2);
            return;
        }
        FAIL() << "no element labelled \"" << label << "\" on " << t.dump();
    }
    // Two taps 100 ms apart on one spot, reaching the kiosk together (see below).
    void double_tap(const std::string& label) {
        std::this_thread::sleep_for(400ms);
        Json t = tree();
        for (const auto& e : t["elements"]) {
            if (e["label"] != label) continue;
            int x = e["x"].get<int>() + e["w"].get<int>() / 2, y = e["y"].get<int>() + e["h"].get<int>() / 2;
            // The kiosk is paused while both taps are sent, so that they wait in its X queue and
            // reach it together, as a double tap faster than the screen can change does. (Sent
            // live, xdotool's 100 ms gap grew past the tap guard when the machine was busy, and
            // the second tap rightly counted as a new one.)
            ASSERT_EQ(kill(kiosk_, SIGSTOP), 0);
            auto r = test::run(
                {"xdotool", "mousemove", "--sync", std::to_string(x), std::to_string(y), "mousedown", "1", "sleep",
                 "0.08", "mouseup", "1", "sleep", "0.1", "mousedown", "1", "sleep", "0.08", "mouseup", "1"},
                {"DISPLAY=" + x_.display()});
            ASSERT_EQ(kill(kiosk_, SIGCONT), 0);
            ASSERT_EQ(r.exit_code, 0) << r.err;
            return;
        }
        FAIL() << "no element labelled \"" << label << "\"";
    }

    // Taps by element id, for languages whose labels the test does not spell out. Waits for the
    // element to appear: a busy machine may not have drawn the screen the last tap asked for yet.
    void tap_id(const std::string& id) {
        std::this_thread::sleep_for(400ms);
        auto until = Clock::now() + 15s;
        Json t;
        do {
            t = tree();
            for (const auto& e : t["elements"]) {
                if (e["id"] != id) continue;
                // Its own rectangle: another element may carry the same label.
                click_at(e["x"].get<int>() + e["w"].get<int>() / 2, e["y"].get<int>() + e["h"].get<int>() / 2);
                return;
            }
            std::this_thread::sleep_for(20ms);
        } while (Clock::now() < until);
        FAIL() << "no element " << id << " on " << t.dump();
    }
    void tap_id_and_expect(const std::string& id, const std::string& next_screen) {
        tap_id(id);
        wait_for_screen(next_screen);
    }
    void tap_and_expect(const std::string& label, const std::string& next_screen) {
        tap(label);
        wait_for_screen(next_screen);
    }

    Json exported() {
        std::string out = dir_.file("export.json");
        auto r = test::run({LKP_KIOSK_BIN, "export", "--data-dir", data(), "--format", "json", "--out", out});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return Json::parse(test::read_file(out));
    }
    Json status() {
        auto r = test::run({LKP_KIOSK_BIN, "status", "--data-dir", data(), "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return Json::parse(r.out);
    }

    Xvfb x_;
    int taps_ = 0;
    test::TempDir dir_;
    std::string shots_;
    pid_t kiosk_ = -1;
};

class KioskE2E : public ::testing::Test, protected KioskDriver {
  protected:
    KioskE2E() : KioskDriver("1280x800", ::testing::UnitTest::GetInstance()->current_test_info()->name()) {}
};

TEST_F(KioskE2E, ResidentCompletesOneResponseInSwedish) {
    start_kiosk("kiosk_id = e2e-kiosk\nlocation = 041\n");
    tap_and_expect("Tryck här för att börja", "language");
    tap_and_expect("Svenska", "district");
    tap("D");  // the alphabet strip narrows the list
    wait_for_label("Adolfsberg", false);
    EXPECT_TRUE(has_label(tree(), "Dalhem"));
    tap_and_expect("Drottninghög", "question.trygghet");
    tap_and_expect("Ganska otrygg", "question.delaktighet");
    tap_and_expect("Tillbaka", "question.trygghet");  // change of mind
    tap_and_expect("Ganska trygg", "question.delaktighet");
    double_tap("7");  // an accidental double tap...
    wait_for_screen("question.livskvalitet");
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(tree()["screen"], "question.livskvalitet") << "...must not answer the next question";
    tap_and_expect("Vill inte svara", "question.age_band");
    tap_and_expect("30–44 år", "question.gender");
    tap_and_expect("Vill inte svara", "thanks");
    tap_and_expect("Klar", "attract");
    EXPECT_EQ(stop_kiosk(), 0);

    Json list = exported();
    ASSERT_EQ(list.size(), 1u);
    const Json& r = list[0];
    EXPECT_EQ(r["language"], "sv");
    EXPECT_EQ(r["district"], "022");
    EXPECT_EQ(r["location"], "041");
    EXPECT_EQ(r["kiosk_id"], "e2e-kiosk");
    EXPECT_EQ(r["answers"], Json::parse(R"({"trygghet": 2, "delaktighet": 7, "livskvalitet": null,
                                            "age_band": "30-44", "gender": null})"));
    EXPECT_TRUE(r["flags"].empty());
    Json s = status();
    EXPECT_EQ(s["sessions"]["started"], 1);
    EXPECT_EQ(s["sessions"]["completed"], 1);
    EXPECT_EQ(s["unsent"], 1);
    EXPECT_GE(std::distance(std::filesystem::directory_iterator(shots_), {}), 9) << "a screenshot of every screen";
}

// The whole way: a tap on the kiosk, the background sync, the real lkp-store's database.
TEST_F(KioskE2E, RunningKioskSendsTheAnswerToTheStoreByItself) {
    test::StoreServer store;
    store.start();
    test::write_file(dir_.file("token"), store.add_kiosk("e2e-sync") + "\n");
    std::filesystem::permissions(dir_.file("token"), std::filesystem::perms::owner_read);  // the kiosk wants it private
    // burst_window = 3: the answer is held 3 s, not the default minute, before it goes; the sync
    // thread wakes for it by itself (tests/sync/burst_test.cpp times that hold).
    start_kiosk("kiosk_id = e2e-sync\nstore_url = " + store.url() + "\ntoken_file = " + dir_.file("token") +
                "\nsync_backoff_cap_seconds = 1\nburst_window = 3\n");
    tap_and_expect("Tryck här för att börja", "language");
    tap_and_expect("Svenska", "district");
    tap_and_expect("Vill inte svara", "question.trygghet");
    tap_and_expect("Mycket trygg", "question.delaktighet");
    tap_and_expect("9", "question.livskvalitet");
    tap_and_expect("10", "question.age_band");
    tap_and_expect("65–79 år", "question.gender");
    tap_and_expect("Vill inte svara", "thanks");

    auto until = Clock::now() + 20s;
    while (store.response_ids("e2e-sync").empty() && Clock::now() < until) std::this_thread::sleep_for(50ms);
    ASSERT_EQ(store.response_ids("e2e-sync").size(), 1u) << "the kiosk did not deliver; store log:\n" << store.log();
    // In survey order, as the resident answered, through every hop from the tap to the store.
    EXPECT_EQ(store.query("SELECT answers FROM responses").at(0),
              R"({"trygghet":1,"delaktighet":9,"livskvalitet":10,"age_band":"65-79","gender":null})");
    EXPECT_EQ(store.query("SELECT location IS NULL FROM responses").at(0), "1");  // no location configured
    EXPECT_EQ(store.query("SELECT district IS NULL FROM responses").at(0), "1");  // declined
    EXPECT_TRUE(kiosk_running()) << "the screens go on while the sync works";
    // The sync thread also fetched the residents' figures (the city's only: no location is
    // configured) and cached them. Before or after the answer arrived: nothing to show either way.
    std::string cache = results_cache_path(data());
    until = Clock::now() + 20s;
    while (!test::exists(cache) && Clock::now() < until) std::this_thread::sleep_for(50ms);
    std::string problem;
    KioskData kiosk_data = test::builtin_data();
    auto results = load_results_cache(cache, kiosk_data.survey.id, kiosk_data.survey.version, problem);
    ASSERT_TRUE(results) << problem << "; store log:\n" << store.log();
    EXPECT_EQ(results->district, "");
    for (const ResultsRow& row : results->rows) EXPECT_FALSE(row.city.shown()) << row.indicator;
    EXPECT_NE(store.log().find("GET /v1/indicators?survey=helsingborg-lkp&period=year"), std::string::npos);
    EXPECT_EQ(stop_kiosk(), 0);
    Json s = status();
    EXPECT_EQ(s["unsent"], 0);
    EXPECT_FALSE(s["sync"]["last_success_at"].is_null());
    EXPECT_EQ(store.query("SELECT program_version FROM heartbeats WHERE kiosk = 'e2e-sync'").size(), 1u)
        << "the kiosk reports its health";
}

TEST_F(KioskE2E, IdleTimeoutDiscardsTheUnfinishedAnswers) {
    start_kiosk("idle_timeout_seconds = 5\ncountdown_seconds = 4\n");
    tap_and_expect("Tryck här för att börja", "language");
    tap_and_expect("English", "district");
    tap_and_expect("I don't live in Helsingborg", "question.trygghet");
    tap_and_expect("Very safe", "question.delaktighet");
    // Switching language mid-survey keeps the answers given so far.
    tap_and_expect("English", "language_picker");
    tap_and_expect("Svenska", "question.delaktighet");
    EXPECT_EQ(tree()["lang"], "sv");
    tap_and_expect("Tillbaka", "question.trygghet");
    tap_and_expect("Mycket trygg", "question.delaktighet");

    // First time: the resident is still there and keeps the answers.
    Json prompt = wait_for_screen("still_there");
    EXPECT_EQ(prompt["lang"], "sv");
    tap_and_expect("Ja, jag är kvar", "question.delaktighet");
    // Second time nobody answers: the answers go and the attract screen returns.
    wait_for_screen("still_there");
    wait_for_screen("attract", 15s);
    EXPECT_EQ(tree()["lang"], "sv") << "the next resident starts in the default language";
    EXPECT_EQ(stop_kiosk(), 0);

    EXPECT_TRUE(exported().empty());
    Json s = status();
    EXPECT_EQ(s["responses"], 0);
    EXPECT_EQ(s["sessions"]["started"], 1);
    EXPECT_EQ(s["sessions"]["abandoned"], 1);
    EXPECT_EQ(s["sessions"]["abandoned_at"]["delaktighet"], 1);
}

class LanguageE2E : public KioskE2E {
  protected:
    Json complete(const std::string& lang) {
        tap_id_and_expect("attract.start", "language");
        tap_id_and_expect("language." + lang, "district");
        EXPECT_EQ(tree()["lang"], lang);
        tap_id_and_expect("district.001", "question.trygghet");
        tap_id_and_expect("question.option.5", "question.delaktighet");
        tap_id_and_expect("question.option.10", "question.livskvalitet");
        tap_id_and_expect("question.option.0", "question.age_band");
        tap_id_and_expect("question.option.65-79", "question.gender");
        tap_id_and_expect("question.decline", "thanks");
        tap_id_and_expect("thanks.done", "attract");
        EXPECT_EQ(stop_kiosk(), 0);
        Json list = exported();
        EXPECT_EQ(list.size(), 1u);
        return list.empty() ? Json() : list[0];
    }
};

TEST_F(LanguageE2E, ResidentAnswersInArabic) {
    start_kiosk("kiosk_id = e2e-ar\n");
    Json r = complete("ar");
    EXPECT_EQ(r["language"], "ar");
    EXPECT_EQ(r["district"], "001");
    EXPECT_EQ(r["answers"], Json::parse(R"({"trygghet": 5, "delaktighet": 10, "livskvalitet": 0,
                                            "age_band": "65-79", "gender": null})"));
}

TEST_F(LanguageE2E, ResidentAnswersInTigrinya) {
    start_kiosk("kiosk_id = e2e-ti\n");
    Json r = complete("ti");
    EXPECT_EQ(r["language"], "ti");
    EXPECT_EQ(r["answers"]["delaktighet"], 10);
}

// A screenshot of every screen in every language, and one contact sheet per language under
// build/screenshots/languages/<view>/, for a person to review: in landscape and portrait, with
// normal and larger text (the resident's own choice on the language screen).
struct SheetView {
    std::string name, window;
    bool larger_text;
};

// Goes through every screen in every language on `k`, then makes the view's contact sheets.
void make_contact_sheets(KioskDriver& k, const SheetView& view) {
    // Long enough that a busy machine's slow taps never time out the answering pass, short enough
    // that waiting for "still there?" in every language stays quick.
    k.start_kiosk("idle_timeout_seconds = 8\ncountdown_seconds = 3\n", view.window);
    KioskData data = test::builtin_data();
    auto choose = [&](const std::string& lang) {
        k.wait_for_screen("language");
        if (view.larger_text) {
            k.tap_id("access.large_text");
            k.wait_for_selected("access.large_text");  // the screen is laid out again before the next tap
        }
        k.tap_id_and_expect("language." + lang, "district");
    };
    for (const auto& c : data.translations.languages()) {
        const std::string& lang = c.language;
        k.tap_id("attract.start");
        choose(lang);
        k.tap_id_and_expect("nav.language", "language_picker");
        k.tap_id_and_expect("language." + lang, "district");
        k.tap_id("district.letter.S");
        k.wait_for_label("Adolfsberg", false);  // the list is narrowed: district.041 is where it will be tapped
        k.tap_id_and_expect("district.041", "question.trygghet");
        for (const auto& q : data.survey.questions) {
            k.wait_for_screen("question." + q.id);
            const Json& v = q.scale.options.back().value;
            k.tap_id("question.option." + (v.is_string() ? v.get<std::string>() : v.dump()));
        }
        k.wait_for_screen("thanks");
        k.tap_id_and_expect("thanks.done", "attract");
        k.tap_id("attract.start");
        choose(lang);
        k.tap_id("district.outside");
        k.wait_for_screen("still_there");
        k.wait_for_screen("attract");
    }
    EXPECT_EQ(k.stop_kiosk(), 0) << view.name;

    std::string sheets = std::string(LKP_BUILD_DIR) + "/screenshots/languages/" + view.name;
    std::filesystem::remove_all(sheets);
    std::filesystem::create_directories(sheets);
    bool portrait = view.window == "800x1280";
    for (const auto& c : data.translations.languages()) {
        // Titled with the code: ImageMagick's default font has no Arabic, Hebrew or Ethiopic.
        // A font file named outright: ImageMagick's default (Helvetica) needs Ghostscript's fonts,
        // which a minimal install leaves out.
        std::vector<std::string> args = {"montage",
                                         "-font",
                                         "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                                         "-geometry",
                                         portrait ? "400x640+6+6" : "640x400+6+6",
                                         "-tile",
                                         portrait ? "6x" : "4x",
                                         "-title",
                                         c.language + ", " + view.name};
        // The first and the last shot of each screen (NNN-SCREEN-LANG.png): the attract and
        // language screens come back in Swedish after every language, and the countdown redraws
        // its screen each second.
        std::map<std::string, std::pair<std::string, std::string>> shots_of;  // screen -> first, last
        for (const auto& f : std::filesystem::directory_iterator(k.shots_)) {
            std::string name = f.path().filename().string(), tail = "-" + c.language + ".png";
            if (!name.ends_with(tail) || name.size() < 4 + tail.size()) continue;
            std::string file = f.path().string();
            auto [it, added] = shots_of.try_emplace(name.substr(4, name.size() - 4 - tail.size()), file, file);
            it->second.first = std::min(it->second.first, file);
            it->second.second = std::max(it->second.second, file);
        }
        const std::size_t first_shot = args.size();
        for (const auto& [screen, shots] : shots_of) {
            args.push_back(shots.first);
            if (shots.second != shots.first) args.push_back(shots.second);
        }
        std::sort(args.begin() + static_cast<std::ptrdiff_t>(first_shot), args.end());
        EXPECT_GE(args.size() - first_shot, 9u) << view.name << ", " << c.language << ": a screenshot of every screen";
        args.push_back(sheets + "/" + c.language + ".png");
        auto r = test::run(args);
        EXPECT_EQ(r.exit_code, 0) << "montage (apt-get install imagemagick): " << r.err;
    }
}

// The four views at once, each kiosk in its own X server: the test mostly waits (a resident's
// reading time before each tap, the idle timeout), so four take little longer than one.
TEST(ContactSheets, EveryScreenInEveryLanguageInLandscapeAndPortraitWithNormalAndLargerText) {
    const std::vector<SheetView> views = {{"landscape", "1280x800", false},
                                          {"portrait", "800x1280", false},
                                          {"landscape-larger-text", "1280x800", true},
                                          {"portrait-larger-text", "800x1280", true}};
    std::vector<std::thread> threads;
    for (const SheetView& view : views)
        threads.emplace_back([&view] {
            try {
                KioskDriver k("1280x1280", "ContactSheets/" + view.name);  // room for a portrait window
                make_contact_sheets(k, view);
            } catch (const std::exception& e) {
                ADD_FAILURE() << view.name << ": " << e.what();
            }
        });
    for (auto& t : threads) t.join();
}

TEST_F(KioskE2E, RefusedDatabaseStopsTheKioskWithAMessageAndIsLeftAlone) {
    {
        auto store = KioskDatabase::open(data());
        test::open_raw(store.path()).exec("PRAGMA user_version = 99");
    }
    std::string before = test::read_file(data() + "/" + kDatabaseFile);
    auto r = test::run({LKP_KIOSK_BIN, "--windowed", "1280x800", "--data-dir", data()}, {"DISPLAY=" + x_.display()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("written by a newer LKP Kiosk"), std::string::npos) << r.err;
    EXPECT_EQ(test::read_file(data() + "/" + kDatabaseFile), before);
}

// Issue 14: the data folder's disk fills up. The resident who just answered is told, no one else
// is invited in ("temporarily closed"), the answer waits in memory, and the kiosk opens again by
// itself once there is room, with the answer stored. A tmpfs of 2 MiB is the disk.
TEST_F(KioskE2E, AFullDiskClosesTheKioskUntilThereIsRoomAndLosesNoAnswer) {
    test::SmallDisk disk(data(), "2m");
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?): RecorderTest covers a full disk";
    start_kiosk("kiosk_id = e2e-full\nlocation = 041\n");
    // The database opens right after the first frame; let it be there before the disk fills.
    auto until = Clock::now() + 15s;
    while (!test::exists(data() + "/" + kDatabaseFile + "-wal") && Clock::now() < until)
        std::this_thread::sleep_for(20ms);
    std::this_thread::sleep_for(500ms);
    disk.fill();

    tap_and_expect("Tryck här för att börja", "language");
    tap_and_expect("Svenska", "district");
    tap_and_expect("Drottninghög", "question.trygghet");
    tap_and_expect("Ganska trygg", "question.delaktighet");
    tap_and_expect("Vill inte svara", "question.livskvalitet");
    tap_and_expect("Vill inte svara", "question.age_band");
    tap_and_expect("Vill inte svara", "question.gender");
    tap_and_expect("Vill inte svara", "thanks");
    wait_for_label("Dina svar kunde inte sparas just nu. Personalen har fått veta. Förlåt!", true);
    tap_and_expect("Klar", "closed");
    Json closed = tree();
    EXPECT_FALSE(has_label(closed, "Tryck här för att börja")) << "nothing invites a resident in";
    click_at(640, 400);  // a passer-by taps anyway
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(tree()["screen"], "closed");
    EXPECT_TRUE(kiosk_running());
    Json st = status();  // the running kiosk holds the journal open, so status can read the file
    EXPECT_TRUE(st["low_disk"].get<bool>());
    EXPECT_LT(st["free_disk_bytes"].get<std::int64_t>(), 64 * 1024);

    disk.free_space();
    wait_for_screen("attract", 30s);  // the answer is retried every 10 s
    EXPECT_EQ(stop_kiosk(), 0);
    Json list = exported();
    ASSERT_EQ(list.size(), 1u) << "the answer that waited in memory is stored, once";
    EXPECT_EQ(list[0]["kiosk_id"], "e2e-full");
    EXPECT_EQ(list[0]["answers"]["trygghet"], 2);
}

TEST_F(KioskE2E, FullscreenKioskRefusesToCloseButADevelopmentWindowCloses) {
    start_kiosk("kiosk_id = close-test\n", /*window=*/"");
    Json t = tree();
    auto start = std::find_if(t["elements"].begin(), t["elements"].end(),
                              [](const Json& e) { return e["id"] == "attract.start"; });
    ASSERT_NE(start, t["elements"].end()) << t.dump();
    EXPECT_GT((*start)["y"].get<int>(), 300) << "fullscreen on the 1280x800 screen, centred";
    request_close();  // what Alt+F4 or the window manager's close button sends
    std::this_thread::sleep_for(1500ms);
    EXPECT_TRUE(kiosk_running()) << "the kiosk closed on a close request";
    // By id: the greeting (and the button's words) may have moved on from Swedish by now.
    tap_id_and_expect("attract.start", "language");
    EXPECT_EQ(stop_kiosk(), 0) << "SIGTERM still stops it cleanly";

    start_kiosk("");
    request_close();
    auto until = Clock::now() + 10s;
    while (kiosk_running() && Clock::now() < until) std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(kiosk_running()) << "a --windowed development kiosk closes like any window";
    kiosk_ = -1;
}

// A first screen for everyone: the idle attract screen greets in one language after another,
// each in its own script (its UI tree says which), and a finger held on it for 2 s starts in
// audio mode, where a first tap on a language reads it out and names the screen in it, and a
// second chooses it. Screenshots of the greetings land in build/screenshots/e2e/<test>/.
TEST_F(KioskE2E, AttractScreenGreetsInTurnAndALongPressStartsAudioMode) {
    start_kiosk("kiosk_id = e2e-greet\n");
    KioskData data = test::builtin_data();
    auto language_of = [&](const std::string& title) -> std::string {
        for (const auto& c : data.translations.languages())
            if (data.translations.text(c.language, "ui.attract.title") == title) return c.language;
        return "?";
    };
    auto title = [](const Json& t) -> std::string {
        for (const auto& e : t["elements"])
            if (e["id"] == "attract.title") return e["label"];
        return "";
    };
    // The round begins in Swedish, then Lätt svenska, English, Arabic, ... 4 s each.
    std::vector<std::string> seen;
    auto until = Clock::now() + 25s;
    while (Clock::now() < until && (seen.empty() || seen.back() != "ar")) {
        Json t = tree();
        std::string lang = language_of(title(t));
        if (lang != "?" && (seen.empty() || seen.back() != lang)) seen.push_back(lang);
        EXPECT_EQ(t["lang"], "sv") << "the greeting changes, not the resident's language";
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"sv", "sv-x-easy", "en", "ar"}));
    Json ar = tree();
    std::string start_label;
    for (const auto& e : ar["elements"])
        if (e["id"] == "attract.start") start_label = e["label"];
    EXPECT_EQ(start_label, data.translations.text("ar", "ui.attract.start")) << "the button speaks it too";

    // A long press anywhere (here: near the top, away from the button) starts in audio mode.
    auto r =
        test::run({"xdotool", "mousemove", "--sync", "640", "60", "mousedown", "1", "sleep", "2.6", "mouseup", "1"},
                  {"DISPLAY=" + x_.display()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json lang = wait_for_screen("language");
    // Audio mode: one tap on English reads it out and names the screen in English; it does not choose.
    tap_id("language.en");
    std::this_thread::sleep_for(800ms);
    Json armed = tree();
    EXPECT_EQ(armed["screen"], "language") << "a first tap in audio mode only reads the language out";
    bool english_title = false;
    for (const auto& e : armed["elements"])
        if (e["id"] == "language.title") english_title = e["label"] == "Choose your language";
    EXPECT_TRUE(english_title) << armed.dump();
    tap_id_and_expect("language.en", "district");  // the second tap chooses
    EXPECT_EQ(tree()["lang"], "en");
    EXPECT_EQ(stop_kiosk(), 0);
}

// A short tap still starts at once, in whichever language the greeting is.
TEST_F(KioskE2E, ATapDuringAnyGreetingStartsTheSurvey) {
    start_kiosk("kiosk_id = e2e-greet-tap\n");
    KioskData data = test::builtin_data();
    auto until = Clock::now() + 20s;
    while (Clock::now() < until) {
        bool fa = false;
        Json now_shown = tree();
        for (const auto& e : now_shown["elements"])
            fa = fa || e["label"] == data.translations.text("fa", "ui.attract.title");
        if (fa) break;
        std::this_thread::sleep_for(100ms);
    }
    tap_id_and_expect("attract.start", "language");
    Json t = tree();
    bool persian_title = false;
    for (const auto& e : t["elements"])
        if (e["id"] == "language.title")
            persian_title = e["label"] == data.translations.text("fa", "ui.language.title");
    EXPECT_TRUE(persian_title) << "the language screen goes on in the language the resident saw: " << t.dump();
    EXPECT_EQ(t["lang"], "sv") << "but nothing is chosen for them";
    EXPECT_EQ(stop_kiosk(), 0);
}

// Staff mode (issue 11), as staff use it: hold the unmarked corner, a wrong PIN (the count is
// shown), the right one, test mode and one answer in it, the export to a stick (a tmpfs the test
// mounts, or a marked folder where it cannot), read back with Python's csv module, leave, and
// the screen closing itself after a minute without a touch.
class StaffE2E : public KioskE2E {
  protected:
    void set_pin(const std::string& pin) {
        std::filesystem::create_directories(data());
        auto r = test::run_with_input({LKP_KIOSK_BIN, "set-pin", "--data-dir", data()}, pin + "\n");
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    // A finger held on the top-left corner, where staff mode opens in every language.
    void hold_staff_corner() {
        std::this_thread::sleep_for(400ms);
        auto r =
            test::run({"xdotool", "mousemove", "--sync", "12", "12", "mousedown", "1", "sleep", "3.4", "mouseup", "1"},
                      {"DISPLAY=" + x_.display()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    void type_pin(const std::string& pin) {
        for (char d : pin) tap_id(std::string("pin-") + d);
        tap_id("pin-ok");
    }
    std::string label_of(const std::string& id) {
        Json t = tree();  // kept: a loop over tree()["elements"] would outlive the temporary
        for (const auto& e : t["elements"])
            if (e["id"] == id) return e["label"].get<std::string>();
        return "";
    }
    // Waits until element `id` says something containing `part`.
    std::string wait_for_text(const std::string& id, const std::string& part) {
        auto until = Clock::now() + 15s;
        std::string label;
        while (Clock::now() < until) {
            label = label_of(id);
            if (label.find(part) != std::string::npos) return label;
            std::this_thread::sleep_for(20ms);
        }
        ADD_FAILURE() << id << " never said \"" << part << "\"; last: \"" << label << "\"";
        return label;
    }
    bool shown(const std::string& id) {
        Json t = tree();
        for (const auto& e : t["elements"])
            if (e["id"] == id) return true;
        return false;
    }
};

TEST_F(StaffE2E, HoldTheCornerEnterThePinTestModeExportToTheStickAndItClosesItself) {
    set_pin("428193");
    std::string stick = dir_.file("stick");
    std::filesystem::create_directories(stick);
    bool mounted = test::run({"mount", "-t", "tmpfs", "-o", "size=8m", "lkp-e2e-stick", stick}).exit_code == 0;
    if (!mounted) test::write_file(stick + "/LKP-EXPORT", "");  // stands in for a stick where mount is not allowed
    struct Unmount {
        std::string path;
        bool on;
        ~Unmount() {
            if (on) test::run({"umount", "-l", path});
        }
    } unmount{stick, mounted};
    start_kiosk("kiosk_id = e2e-staff\nlocation = 022\nexport_dir = " + stick + "\n");

    hold_staff_corner();
    wait_for_screen("staff.pin");
    type_pin("111111");
    wait_for_text("pin-message", "1 fel i rad");
    type_pin("428193");
    wait_for_screen("staff");
    EXPECT_NE(label_of("staff-closes-in").find("Stängs om"), std::string::npos);

    // Test mode: the kiosk goes back to its first screen, with the banner on every screen.
    tap_id_and_expect("staff-test", "attract");
    EXPECT_TRUE(shown("test-banner"));
    tap_id_and_expect("attract.start", "language");  // in whichever language the greeting is
    EXPECT_TRUE(shown("test-banner"));
    tap_and_expect("Svenska", "district");
    tap_and_expect("Vill inte svara", "question.trygghet");
    EXPECT_TRUE(shown("test-banner"));
    tap_and_expect("Mycket trygg", "question.delaktighet");
    tap_and_expect("Vill inte svara", "question.livskvalitet");
    tap_and_expect("Vill inte svara", "question.age_band");
    tap_and_expect("Vill inte svara", "question.gender");
    tap_and_expect("Vill inte svara", "thanks");
    tap_and_expect("Klar", "attract");

    // Back in, export, and the test answer is in the file with its flag.
    hold_staff_corner();
    wait_for_screen("staff.pin");
    type_pin("428193");
    wait_for_screen("staff");
    tap_id("staff-export");
    std::string done = wait_for_text("staff-notice", "Klart: 1 svar");
    std::string csv_name;
    for (const auto& f : std::filesystem::directory_iterator(stick))
        if (f.path().extension() == ".csv") csv_name = f.path().string();
    ASSERT_FALSE(csv_name.empty()) << done;
    EXPECT_NE(done.find(std::filesystem::path(csv_name).filename().string()), std::string::npos) << done;
    auto csv = test::run({"python3", "-c",
                          "import csv, sys\n"
                          "with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n"
                          "    rows = list(csv.DictReader(f, delimiter=';'))\n"
                          "print(len(rows), rows[0]['kiosk'], rows[0]['trygghet'], rows[0]['flaggor'])\n",
                          csv_name});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_EQ(csv.out, "1 e2e-staff 1 test\n");

    // Leaving ends test mode: the next screens have no banner.
    tap_id_and_expect("staff-leave", "attract");
    std::this_thread::sleep_for(500ms);
    EXPECT_FALSE(shown("test-banner"));

    // Staff walk away from the open staff screen: it closes itself after 60 s.
    hold_staff_corner();
    wait_for_screen("staff.pin");
    type_pin("428193");
    wait_for_screen("staff");
    auto opened = Clock::now();
    wait_for_screen("attract", 80s);
    EXPECT_GE(Clock::now() - opened, 55s) << "not before a minute without a touch";
    EXPECT_EQ(stop_kiosk(), 0);

    // Every staff action and the wrong PIN are in the audit that `status` shows.
    Json audit = status()["staff_audit"];
    std::vector<std::string> actions;
    for (const auto& a : audit) actions.insert(actions.begin(), a["action"].get<std::string>());
    EXPECT_EQ(actions, (std::vector<std::string>{"pin_wrong", "pin_right", "test_mode_on", "pin_right", "export",
                                                 "test_mode_off", "leave", "pin_right", "leave"}));
}

// The corner is top left in a right-to-left language too; no PIN set, no staff mode at all.
TEST_F(StaffE2E, TheCornerIsTopLeftInArabicAndDoesNothingWithoutAPin) {
    start_kiosk("kiosk_id = e2e-staff-ar\ndefault_language = ar\n");
    Json attract = tree();
    EXPECT_EQ(attract["lang"], "ar");
    bool corner = false;
    for (const auto& e : attract["elements"]) {
        if (e["id"] != "staff-corner") continue;
        corner = true;
        EXPECT_EQ(e["x"], 0);
        EXPECT_EQ(e["y"], 0);
    }
    EXPECT_TRUE(corner) << attract.dump();
    hold_staff_corner();
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(tree()["screen"], "attract") << "no PIN: the corner opens nothing (and starts no audio mode)";
    set_pin("428193");
    hold_staff_corner();
    Json pad = wait_for_screen("staff.pin");
    for (const auto& e : pad["elements"]) {
        if (e["id"] == "pin-cancel") {
            EXPECT_LT(e["x"].get<int>(), 640) << "Arabic has no staff texts: staff mode is in Swedish, left to right";
        }
    }
    tap_id_and_expect("pin-cancel", "attract");
    EXPECT_EQ(stop_kiosk(), 0);
}

// The attract screen's results slide from a cache in the data folder (no store needed), in
// Swedish, Arabic and Tigrinya, at 1280x800 and 1080x1920: it comes after a few greetings, each
// bar in the UI tree with role "bar" and its value as label, and a tap on it starts the survey.
// Each kiosk offers only its one language, so its slide is in that language; each runs in its
// own X server, at once (they mostly wait for the slide). Pictures for a person to look at:
// build/screenshots/results/<view>/<language>.png.
TEST(ResultsSlideE2E, CachedFiguresShowBetweenGreetingsWithTheirBarsInTheUiTree) {
    struct View {
        std::string name, size;
    };
    const std::vector<View> views = {{"landscape", "1280x800"}, {"portrait", "1080x1920"}};
    const std::vector<std::string> languages = {"sv", "ar", "ti"};
    const std::string pictures = std::string(LKP_BUILD_DIR) + "/screenshots/results";
    std::filesystem::remove_all(pictures);
    KioskData data = test::builtin_data();
    std::vector<std::thread> threads;
    for (const View& view : views)
        for (const std::string& lang : languages)
            threads.emplace_back([&, view, lang] {
                try {
                    KioskDriver k(view.size, "ResultsSlide/" + view.name + "-" + lang);
                    std::string locales = k.dir_.file("locales");
                    std::filesystem::copy(std::string(LKP_SOURCE_DIR) + "/locales", locales,
                                          std::filesystem::copy_options::recursive);
                    test::write_file(locales + "/LINGUAS", lang + "\n");
                    std::filesystem::create_directories(k.data());
                    save_results_cache(results_cache_path(k.data()), test::sample_results(data.survey));
                    k.start_kiosk("kiosk_id = e2e-results\nlocation = 041\nlocales = " + locales +
                                      "\ndefault_language = " + lang + "\n",
                                  view.size);
                    // Three greetings of at most 6 s each, then the slide.
                    Json t = k.wait_for_screen("attract.results", 30s);
                    std::vector<std::string> bars;
                    for (const auto& e : t["elements"])
                        if (e["role"] == "bar")
                            bars.push_back(e["id"].get<std::string>() + "=" + e["label"].get<std::string>());
                    EXPECT_EQ(bars.size(), 6u) << view.name << " " << lang << ": " << t.dump();
                    if (lang == "sv") {
                        EXPECT_TRUE(k.has_label(t, "64 %")) << t.dump();
                        EXPECT_TRUE(k.has_label(t, "För få svar för att visa")) << t.dump();
                    }
                    EXPECT_EQ(t["lang"], lang);
                    // The picture is taken a frame after the change.
                    std::string shot;
                    for (auto until = Clock::now() + 15s; shot.empty() && Clock::now() < until;) {
                        std::this_thread::sleep_for(100ms);
                        for (const auto& f : std::filesystem::directory_iterator(k.shots_))
                            if (f.path().filename().string().find("attract.results") != std::string::npos)
                                shot = f.path().string();
                    }
                    std::this_thread::sleep_for(1s);  // written in the frame it was found in
                    EXPECT_FALSE(shot.empty()) << "no screenshot of the slide in " << k.shots_;
                    if (!shot.empty()) {
                        std::filesystem::create_directories(pictures + "/" + view.name);
                        std::filesystem::copy_file(shot, pictures + "/" + view.name + "/" + lang + ".png",
                                                   std::filesystem::copy_options::overwrite_existing);
                    }
                    // A tap anywhere on the slide starts the survey, like the invitation.
                    k.tap_id_and_expect("results.note", "language");
                    EXPECT_EQ(k.stop_kiosk(), 0);
                } catch (const std::exception& e) {
                    ADD_FAILURE() << view.name << " " << lang << ": " << e.what();
                }
            });
    for (auto& t : threads) t.join();
}

// systemd's side of the watchdog: an AF_UNIX datagram socket the kiosk finds in NOTIFY_SOCKET,
// with WATCHDOG_USEC=2000000 (WATCHDOG_PID unset, as sd_notify allows).
class WatchdogE2E : public KioskE2E {
  protected:
    using Message = std::pair<Clock::time_point, std::string>;

    std::vector<std::string> env(const std::string& hook = "") const {
        std::vector<std::string> e = {"NOTIFY_SOCKET=" + socket_.path(), "WATCHDOG_USEC=2000000"};
        if (!hook.empty()) e.push_back(hook);
        return e;
    }
    // Every message that arrives within `d`.
    std::vector<Message> receive_for(Clock::duration d) {
        std::vector<Message> got;
        auto until = Clock::now() + d;
        for (auto now = Clock::now(); now < until; now = Clock::now()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
            std::string message = socket_.next(left + 1ms);
            if (!message.empty()) got.emplace_back(Clock::now(), message);
        }
        return got;
    }
    static int pings(const std::vector<Message>& got) {
        return static_cast<int>(
            std::count_if(got.begin(), got.end(), [](const Message& m) { return m.second == "WATCHDOG=1"; }));
    }
    // READY=1 first (sent after the first frame, whose UI tree start_kiosk waited for), nothing else before it.
    void expect_ready_first() {
        auto got = receive_for(500ms);
        ASSERT_FALSE(got.empty()) << "no READY=1 after the first frame";
        EXPECT_EQ(got.front().second, "READY=1");
        EXPECT_EQ(std::count_if(got.begin(), got.end(), [](const Message& m) { return m.second == "READY=1"; }), 1);
    }

    test::NotifySocket socket_{"watchdog-e2e"};
};

TEST_F(WatchdogE2E, ReadyAfterTheFirstFrameThenPingsWhileIdle) {
    start_kiosk("kiosk_id = e2e-watchdog\nlocation = 041\n", "1280x800", env());
    expect_ready_first();
    auto got = receive_for(5s);
    EXPECT_GE(pings(got), 3) << "WATCHDOG=1 every second (half of WATCHDOG_USEC) on an idle attract screen";
    EXPECT_EQ(stop_kiosk(), 0);
}

TEST_F(WatchdogE2E, AHungLoopStopsThePings) {
    start_kiosk("kiosk_id = e2e-watchdog\nlocation = 041\n", "1280x800", env("LKP_TEST_HANG_LOOP_AFTER_SECONDS=6"));
    expect_ready_first();
    auto got = receive_for(10s);
    ASSERT_GE(pings(got), 1) << "pings before the hang";
    auto last = got.back().first;
    EXPECT_GE(Clock::now() - last, 3s) << "pings went on after the hang";
    EXPECT_TRUE(kiosk_running()) << "hung, not gone";
    EXPECT_EQ(stop_kiosk(), 0) << "SIGTERM still ends the hung loop cleanly";
}

TEST_F(WatchdogE2E, AStuckSyncThreadStopsThePings) {
    test::StoreServer store;
    store.start();
    test::write_file(dir_.file("token"), store.add_kiosk("e2e-watchdog") + "\n");
    std::filesystem::permissions(dir_.file("token"), std::filesystem::perms::owner_read);
    // Timeouts of 1 s: the sync thread's grace is one transfer's timeouts on top of the interval.
    start_kiosk("kiosk_id = e2e-watchdog\nstore_url = " + store.url() + "\ntoken_file = " + dir_.file("token") +
                    "\nsync_connect_timeout_seconds = 1\nsync_timeout_seconds = 1\n",
                "1280x800", env("LKP_TEST_HANG_SYNC_AFTER_SECONDS=3"));
    expect_ready_first();
    auto got = receive_for(14s);
    ASSERT_GE(pings(got), 1) << "pings before the sync thread stuck";
    EXPECT_GE(Clock::now() - got.back().first, 3s) << "pings went on with the sync thread stuck";
    EXPECT_TRUE(kiosk_running());
    EXPECT_EQ(stop_kiosk(), 0);
}

}  // namespace
}  // namespace lkp
