// The kiosk itself: one loop that sleeps until a touch or a timer, draws the screen for the
// session's state, feeds the resident's taps to the session and stores what it completes.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli.h"
#include "core/kiosk_data.h"
#include "platform/fonts.h"
#include "platform/window.h"
#include "shell/background_sync.h"
#include "shell/frame_pacer.h"
#include "shell/recorder.h"
#include "shell/screenshots.h"
#include "shell/staff_desk.h"
#include "shell/watchdog.h"
#include "speech/speaker.h"
#include "ui/kiosk_ui.h"

namespace lkp {

namespace {

using namespace std::chrono;

std::atomic<bool> g_stop{false};

// SIGTERM (systemd stop) and SIGINT end the loop cleanly. A thread waits for them so the
// handler can wake the loop with a thread-safe call instead of doing work in a signal handler.
std::thread start_signal_thread() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread t([set]() {
        int sig = 0;
        sigwait(&set, &sig);
        g_stop = true;
        Window::wake();
    });
    t.detach();
    return t;
}

bool parse_size(const std::string& s, int& w, int& h) {
    char x = 0, extra = 0;
    return std::sscanf(s.c_str(), "%d%c%d%c", &w, &x, &h, &extra) == 3 && (x == 'x' || x == 'X') && w >= 320 &&
           h >= 320 && w <= 16384 && h <= 16384;
}

// The fonts for the window's size, holding every character the kiosk can show.
FontSets load_fonts_for(const Window& window, const KioskData& data) {
    Layout layout = Layout::for_window(static_cast<float>(window.width()), static_cast<float>(window.height()));
    FontSets fonts = load_fonts(layout.unit, data.all_texts());
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    std::fprintf(stderr, "lkp-kiosk: font atlas %dx%d (%.1f MiB as uploaded)\n", atlas->TexWidth, atlas->TexHeight,
                 atlas->TexWidth * atlas->TexHeight * 4 / 1048576.0);
    return fonts;
}

// Lets the session's timers (idle prompt, discard, thank-you timeout) and the recorder's retry
// run. True when the screen must be drawn again: it changed, or its countdown is showing.
// The attract screen's greeting moving on to the next language is a change too.
bool run_timers(Session& session, KioskUi& ui, Recorder& recorder, StaffDesk& staff, Instant now) {
    std::string before = ui.screen_name(session);
    std::string greeting = session.greeting_language();
    bool countdown = session.asking_still_there();
    recorder.persist(session.tick(now), now.mono);
    recorder.retry_if_due(now.mono);
    ui.set_closed(recorder.closed_to_residents());  // opens again once the waiting answers are stored
    bool staff_changed = staff.tick(now, session);
    return countdown || staff_changed || ui.screen_name(session) != before || session.greeting_language() != greeting ||
           ui.wake_due(now.mono);
}

// Draws the session's screen in the window, one frame at a time, with the pictures
// --screenshot-dir asks for.
class FrameDrawer {
  public:
    FrameDrawer(Window& window, KioskUi& ui, UiTree& tree, const FontSets& fonts, std::string screenshot_dir)
        : window_(window), ui_(ui), tree_(tree), fonts_(fonts), screenshots_(std::move(screenshot_dir)) {}

    // Draws and shows one frame; returns what the resident did in it.
    std::vector<Event> draw(const Session& session, Instant now, bool save_failed, FramePacer& pacer) {
        window_.begin_frame();
        ui_.set_last_press(window_.last_press());
        std::vector<Event> events = ui_.draw(session, fonts_, static_cast<float>(window_.width()),
                                             static_cast<float>(window_.height()), now, save_failed);
        window_.end_frame(ui_.background());
        if (auto path = screenshots_.take(tree_.screen(), session.language())) window_.save_screenshot(*path);
        screenshots_.tree_ended(tree_.end());  // end() writes the tree's file when it changed: every frame
        pacer.want(screenshots_.frames_wanted());
        window_.present();
        pacer.frame_drawn();
        if (window_.input_pending()) pacer.want(1);  // queued taps are replayed one per frame
        return events;
    }

  private:
    Window& window_;
    KioskUi& ui_;
    UiTree& tree_;
    const FontSets& fonts_;
    ScreenshotAfterChange screenshots_;
};

// Test only (tests/e2e/watchdog_e2e_test.cpp): LKP_TEST_HANG_LOOP_AFTER_SECONDS=N makes the loop
// stop N seconds after start as a hung loop would (no frames, no watchdog pings) so the test can
// see systemd's pings stop. SIGTERM still ends it.
std::optional<steady_clock::time_point> hang_loop_at(steady_clock::time_point started) {
    const char* v = std::getenv("LKP_TEST_HANG_LOOP_AFTER_SECONDS");
    if (!v) return std::nullopt;
    return started + seconds(std::atoi(v));
}

void hang_if_asked(std::optional<steady_clock::time_point> at) {
    if (!at || steady_clock::now() < *at) return;
    std::fprintf(stderr, "lkp-kiosk: test hook: the loop hangs now\n");
    while (!g_stop) std::this_thread::sleep_for(milliseconds(100));
}

}  // namespace

int run_kiosk(const RunOptions& args) {
    auto started = steady_clock::now();
    auto data = load_data(args);
    if (!data) return kExitUsage;

    WindowOptions window_options;
    window_options.fullscreen = data->config.fullscreen;
    window_options.monitor = data->config.monitor;
    if (const auto& size = args.windowed) {
        if (!parse_size(*size, window_options.width, window_options.height)) {
            std::fprintf(stderr, "lkp-kiosk: --windowed wants WIDTHxHEIGHT, e.g. 1920x1080 (got \"%s\")\n",
                         size->c_str());
            return kExitUsage;
        }
        window_options.fullscreen = false;
    }

    start_signal_thread();
    Session session(data->survey, data->districts, data->session_settings());
    session.set_results(read_cached_results(data_dir(args, data->config), data->survey));
    Recorder recorder(data_dir(args, data->config));
    recorder.set_burst_rule({data->config.burst_limit, std::chrono::seconds(data->config.burst_window_seconds)});
    UiTree tree(args.ui_tree.value_or(""));
    KioskUi ui(data->translations, tree);
    Speaker speaker(Speaker::Output::Playback);
    ui.set_voiced_languages(speaker.voiced(data->session_settings().languages));
    std::string screenshot_dir = args.screenshot_dir.value_or("");
    StaffDesk staff(*data, data_dir(args, data->config), LKP_VERSION);
    ui.set_staff(&staff.mode());
    ui.set_screen_care(data->config.screen_care);

    try {
        Window window(window_options);
        // Declared after the window so it stops first: its thread wakes this window's loop.
        BackgroundSync background_sync([] { Window::wake(); });
        // A corrupt database is moved aside with the sync stopped: its connection closes first.
        recorder.set_sync_control([&] { background_sync.stop(); }, [&] { background_sync.restart(); });
        int recoveries_seen = 0;
        // Staff mode works on the recorder's database: a fresh one after a recovery.
        auto attach_fresh_database = [&](Instant now) {
            if (recorder.recoveries() == recoveries_seen) return;
            recoveries_seen = recorder.recoveries();
            staff.attach(recorder.database(), now);
        };
        FontSets fonts = load_fonts_for(window, *data);
        FrameDrawer frames(window, ui, tree, fonts, screenshot_dir);
        FramePacer pacer;
        Watchdog watchdog = Watchdog::from_environment();
        auto hang_at = hang_loop_at(started);
        // The store opens after the first frame: checking a database of many months takes
        // longer than drawing, and no tap is handled before it is open.
        auto after_first_frame = [&] {
            std::fprintf(stderr, "lkp-kiosk: first frame after %lld ms\n",
                         static_cast<long long>(duration_cast<milliseconds>(steady_clock::now() - started).count()));
            if (!recorder.open(data->config.kiosk_id, steady_clock::now())) return false;
            staff.attach(recorder.database(), Instant::now());
            if (!data->config.store_url.empty()) {
                auto settings =
                    sync::SyncSettings::from_config(data->config, data_dir(args, data->config), LKP_VERSION);
                // One transfer may pass between the sync thread's signs of life.
                watchdog.set_sync_grace(settings.connect_timeout + settings.timeout);
                background_sync.start(std::move(settings), data->survey, data->config.location,
                                      duration_cast<milliseconds>(watchdog.wake_every().value_or(microseconds(0))));
            }
            watchdog.ready();
            return true;
        };

        bool first_frame = true;
        while (!g_stop && !window.close_requested()) {
            // Sleep until input or the next timer; never spin while nothing changes.
            if (window.wait(pacer.sleep_seconds(steady_clock::now(),
                                                {session.next_deadline(), recorder.next_retry(), ui.next_wake(),
                                                 staff.next_deadline(), watchdog.next_deadline()}))) {
                pacer.after_input();
                if (staff.mode().open()) staff.touched(Instant::now());
            }
            if (g_stop) break;
            hang_if_asked(hang_at);
            if (g_stop) break;
            Instant now = Instant::now();
            watchdog.tick(now.mono, background_sync.alive_at());
            background_sync.check_status();
            if (std::string problem = background_sync.database_corrupt(); !problem.empty())
                recorder.recover_database(problem, now.mono);
            if (auto fresh = background_sync.take_results()) {
                session.set_results(std::move(fresh));  // shown from the next slide on
                pacer.want(1);
            }
            if (run_timers(session, ui, recorder, staff, now)) pacer.want(1);
            attach_fresh_database(now);
            if (!pacer.frame_due()) continue;

            std::vector<Event> events = frames.draw(session, now, recorder.last_save_failed(), pacer);
            if (first_frame && !after_first_frame()) return kExitFailure;
            first_frame = false;
            bool first = true;  // a frame's first text interrupts what is being read; the rest follow it
            for (const Utterance& u : ui.take_speech()) {
                if (first)
                    speaker.say(u.language, u.text);
                else
                    speaker.say_next(u.language, u.text);
                first = false;
            }
            for (const staff::StaffEvent& e : ui.take_staff_events()) {
                staff.handle(e, now, session, background_sync);
                pacer.after_input();
            }
            for (const Event& e : events) {
                Outcome outcome = session.handle(e, now);
                recorder.persist(outcome, now.mono);
                ui.set_closed(recorder.closed_to_residents());
                if (outcome.completed) background_sync.answer_saved();
                pacer.after_input();
            }
            attach_fresh_database(now);
            if (session.screen() == Screen::Attract) speaker.stop();  // nothing follows the resident who left
        }
        recorder.set_sync_control(nullptr, nullptr);  // the sync ends with this scope
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lkp-kiosk: %s\n", e.what());
        return kExitFailure;
    }
    if (!recorder.retry(steady_clock::now())) {
        std::fprintf(stderr, "lkp-kiosk: stopping with answers that could not be stored\n");
        return kExitFailure;
    }
    std::fprintf(stderr, "lkp-kiosk: stopped\n");
    return kExitOk;
}

}  // namespace lkp
