// The kiosk itself: one loop that sleeps until a touch or a timer, draws the screen for the
// session's state, feeds the resident's taps to the session and stores what it completes.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli.h"
#include "core/kiosk_data.h"
#include "platform/fonts.h"
#include "platform/window.h"
#include "speech/speaker.h"
#include "kiosk_db/kiosk_database.h"
#include "client/sync_client.h"
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

// Stores what the session produced. A response that cannot be committed (full disk, say) is
// kept in memory and retried; it is never dropped.
class Recorder {
public:
    explicit Recorder(std::string data_dir) : data_dir_(std::move(data_dir)) {}

    // Opens (and checks) the database; prints why and returns false when it is refused.
    bool open(const std::string& kiosk_id) {
        try {
            store_.emplace(KioskDatabase::open(data_dir_));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lkp-kiosk: %s\n", e.what());
            return false;
        }
        std::fprintf(stderr, "lkp-kiosk: kiosk %s storing answers in %s\n", kiosk_id.c_str(), store_->path().c_str());
        return true;
    }

    void persist(const Outcome& o) {
        try {
            if ((o.started || o.abandoned_at) && !store_) throw std::runtime_error("the store is not open yet");
            if (o.started) store_->record_started(false);
            if (o.abandoned_at) store_->record_abandoned(*o.abandoned_at, false);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lkp-kiosk: could not record a session count: %s\n", e.what());
        }
        if (o.completed) {
            unsaved_.push_back(*o.completed);
            last_save_failed_ = !retry();
        }
    }

    // Tries to store everything not yet stored; true when nothing is left.
    bool retry() {
        while (store_ && !unsaved_.empty()) {
            try {
                store_->save(unsaved_.front());
                unsaved_.erase(unsaved_.begin());
            } catch (const std::exception& e) {
                std::fprintf(stderr, "lkp-kiosk: could not store response %s (kept in memory, will retry): %s\n",
                             unsaved_.front().id.c_str(), e.what());
                next_retry_ = steady_clock::now() + seconds(30);
                return false;
            }
        }
        return unsaved_.empty();
    }

    bool last_save_failed() const { return last_save_failed_; }
    std::optional<steady_clock::time_point> next_retry() const {
        return unsaved_.empty() ? std::nullopt : std::optional(next_retry_);
    }

private:
    std::string data_dir_;
    std::optional<KioskDatabase> store_;
    std::vector<Response> unsaved_;
    steady_clock::time_point next_retry_;
    bool last_save_failed_ = false;
};

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
            std::fprintf(stderr, "lkp-kiosk: --windowed wants WIDTHxHEIGHT, e.g. 1920x1080 (got \"%s\")\n", size->c_str());
            return kExitUsage;
        }
        window_options.fullscreen = false;
    }

    start_signal_thread();
    Session session(data->survey, data->districts, data->session_settings());
    Recorder recorder(data_dir(args, data->config));
    UiTree tree(args.ui_tree.value_or(""));
    KioskUi ui(data->translations, tree);
    Speaker speaker(Speaker::Output::Playback);
    ui.set_voiced_languages(speaker.voiced(data->session_settings().languages));
    std::string screenshot_dir = args.screenshot_dir.value_or("");

    try {
        Window window(window_options);
        // Declared after the window so it stops first: its on_change wakes this window's loop.
        std::unique_ptr<sync::SyncClient> sync_client;
        Layout layout = Layout::for_window(static_cast<float>(window.width()), static_cast<float>(window.height()));
        FontSets fonts = load_fonts(layout.unit, data->all_texts());
        ImFontAtlas* atlas = ImGui::GetIO().Fonts;
        std::fprintf(stderr, "lkp-kiosk: font atlas %dx%d (%.1f MiB as uploaded)\n", atlas->TexWidth, atlas->TexHeight,
                     atlas->TexWidth * atlas->TexHeight * 4 / 1048576.0);

        int frames_to_draw = 2;   // ImGui settles hover and active state over a couple of frames
        int shot = 0;
        bool shot_pending = false;
        bool first_frame = true;
        while (!g_stop && !window.close_requested()) {
            // Sleep until input or the next timer; never spin while nothing changes.
            double timeout = -1;
            if (frames_to_draw > 0) {
                timeout = 0;
            } else {
                auto deadline = session.next_deadline();
                auto retry = recorder.next_retry();
                if (retry && (!deadline || *retry < *deadline)) deadline = retry;
                if (deadline) timeout = std::max(0.0, duration<double>(*deadline - steady_clock::now()).count()) + 0.001;
            }
            if (window.wait(timeout)) frames_to_draw = 3;
            if (g_stop) break;

            Instant now = Instant::now();
            std::string before = ui.screen_name(session);
            bool countdown = session.asking_still_there();
            recorder.persist(session.tick(now));
            if (recorder.next_retry() && steady_clock::now() >= *recorder.next_retry()) recorder.retry();
            if (countdown || ui.screen_name(session) != before) frames_to_draw = std::max(frames_to_draw, 1);
            if (frames_to_draw == 0) continue;

            window.begin_frame();
            ui.set_last_press(window.last_press());
            std::vector<Event> events = ui.draw(session, fonts, static_cast<float>(window.width()),
                                                static_cast<float>(window.height()), now, recorder.last_save_failed());
            window.end_frame();
            // The picture is taken one frame after the change, when state changed by this
            // frame's taps (a highlighted letter, say) is drawn too.
            if (shot_pending) {
                char name[64];
                std::snprintf(name, sizeof name, "/%03d-", ++shot);
                window.save_screenshot(screenshot_dir + name + tree.screen() + "-" + session.language() + ".png");
                shot_pending = false;
            }
            if (tree.end() && !screenshot_dir.empty()) {
                shot_pending = true;
                frames_to_draw = std::max(frames_to_draw, 2);
            }
            window.present();
            --frames_to_draw;
            if (window.input_pending()) frames_to_draw = std::max(frames_to_draw, 1);
            if (first_frame) {
                first_frame = false;
                std::fprintf(stderr, "lkp-kiosk: first frame after %lld ms\n",
                             static_cast<long long>(duration_cast<milliseconds>(steady_clock::now() - started).count()));
                // The store opens after the first frame: checking a database of many months takes
                // longer than drawing, and no tap is handled before it is open.
                if (!recorder.open(data->config.kiosk_id)) return kExitFailure;
                if (!data->config.store_url.empty())
                    sync_client = std::make_unique<sync::SyncClient>(
                        sync::SyncSettings::from_config(data->config, data_dir(args, data->config), LKP_VERSION),
                        [] { Window::wake(); });
            }
            for (const std::string& text : ui.take_speech()) speaker.say(session.language(), text);
            for (const Event& e : events) {
                Outcome outcome = session.handle(e, now);
                recorder.persist(outcome);
                if (outcome.completed && sync_client) sync_client->notify();
                frames_to_draw = 3;
            }
            if (session.screen() == Screen::Attract) speaker.stop();   // nothing follows the resident who left
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lkp-kiosk: %s\n", e.what());
        return kExitFailure;
    }
    if (!recorder.retry()) {
        std::fprintf(stderr, "lkp-kiosk: stopping with answers that could not be stored\n");
        return kExitFailure;
    }
    std::fprintf(stderr, "lkp-kiosk: stopped\n");
    return kExitOk;
}

}  // namespace lkp
