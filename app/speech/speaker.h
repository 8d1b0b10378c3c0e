#pragma once
// Read-aloud with espeak-ng (EN 301 549 speech output for closed functionality). Speech runs on
// the Speaker's own worker thread, so say() never blocks a frame, and a new say() interrupts what
// is being spoken, as a new tap should. No ImGui, no GLFW.
//
// espeak-ng has one global state and is not thread-safe: it is initialised once per process, in
// synchronous mode (it hands us the samples), and every call into it holds one process-wide mutex.
// Playback writes those samples to the sound device itself; that is what lets synthesize() work
// next to a speaking Speaker, and a Silent and a Playback Speaker live in one process.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lkp {

class Speaker {
  public:
    // Silent: synthesise, then wait as long as playing would take, and discard (tests, and a PC
    // without a sound card). Playback falls back to Silent, with one line on stderr, when the
    // sound device cannot be opened.
    enum class Output { Playback, Silent };

    explicit Speaker(Output output = Output::Playback);
    ~Speaker();  // cancels what is being spoken and joins the worker
    Speaker(const Speaker&) = delete;
    Speaker& operator=(const Speaker&) = delete;

    // False when espeak-ng could not start (its data missing, say): then say() does nothing. The
    // reason is logged once per process.
    bool available() const { return available_; }
    // Whether sound goes to a device (false for Silent, and for Playback without a sound card).
    bool plays_sound() const { return plays_sound_; }

    // espeak-ng has a voice for this kiosk language code. "sv-x-easy" (Lätt svenska) reads with the
    // Swedish voice; Somali, Tigrinya and Yiddish have none.
    bool has_voice(const std::string& language) const;
    std::vector<std::string> voiced(const std::vector<std::string>& languages) const;

    // Queues `text` (UTF-8) and cancels whatever is being spoken or waiting. Returns at once.
    // Languages without a voice are ignored.
    void say(const std::string& language, const std::string& text);
    // Queues `text` after what is being spoken or waiting, without interrupting it (a spoken menu
    // of several languages, each in its own voice). Languages without a voice are ignored.
    void say_next(const std::string& language, const std::string& text);
    void stop();  // cancels what is being spoken or waiting; returns at once

    // Every say() with a voice ends as exactly one of spoken (read to the end) or cancelled
    // (interrupted, replaced before it started, or failed). Started counts those that began to
    // sound: synthesised, and playing (or, Silent, waiting as long).
    int started_count() const { return started_; }
    int spoken_count() const { return spoken_; }
    int cancelled_count() const { return cancelled_; }

    // Synthesises `text` to 16-bit mono PCM on the calling thread (tests and tools). Safe to call
    // while Speakers speak: it waits for the espeak-ng mutex, never for an utterance to finish.
    // Empty when espeak-ng is unavailable or the language has no voice.
    static std::vector<std::int16_t> synthesize(const std::string& language, const std::string& text,
                                                int* sample_rate = nullptr);

  private:
    struct Job {
        std::string voice, text;
    };
    class Audio;  // the sound device (pcaudiolib), only for Output::Playback

    void run();
    bool speak(const Job& job);  // false when cancelled or failed
    bool play(const std::vector<std::int16_t>& pcm);

    bool available_ = false;
    int sample_rate_ = 0;
    std::vector<std::string> voices_;  // language codes espeak-ng has voices for; fixed after construction
    std::unique_ptr<Audio> audio_;     // used only by the worker once it runs
    std::atomic<bool> plays_sound_{false};

    mutable std::mutex mutex_;  // guards queue_, quit_; cancel_ is set under it so waits see it
    std::condition_variable wake_;
    std::deque<Job> queue_;  // what the worker reads next, in order
    bool quit_ = false;
    std::atomic<bool> cancel_{false};
    std::atomic<int> started_{0}, spoken_{0}, cancelled_{0};
    std::thread worker_;  // last: starts after everything above is ready
};

}  // namespace lkp
