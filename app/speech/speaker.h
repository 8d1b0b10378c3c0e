#pragma once
// Read-aloud with espeak-ng (EN 301 549 speech output for closed functionality). All espeak-ng
// calls happen on one worker thread: its API is not thread-safe, and speech must never block a
// frame. A new say() interrupts what is being spoken, as a new tap should.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lkp {

class Speaker {
public:
    enum class Output { Playback, Silent };   // Silent: synthesise and discard (tests, no sound card)
    explicit Speaker(Output output = Output::Playback);
    ~Speaker();
    Speaker(const Speaker&) = delete;

    bool available() const { return available_; }
    // A voice exists for this kiosk language code ("sv-easy" reads with the Swedish voice).
    bool has_voice(const std::string& language) const;
    std::vector<std::string> voiced(const std::vector<std::string>& languages) const;

    void say(const std::string& language, const std::string& text);   // returns at once
    void stop();
    int spoken_count() const { return spoken_; }      // utterances finished
    int cancelled_count() const { return cancelled_; }

    // Synthesises `text` to 16-bit mono PCM on the calling thread (tests and tools); only when no
    // Speaker with Output::Playback exists in the process (espeak-ng has one global mode).
    static std::vector<std::int16_t> synthesize(const std::string& language, const std::string& text,
                                                int* sample_rate = nullptr);

private:
    struct Job {
        std::string voice, text;
    };
    void run();

    bool available_ = false;
    std::vector<std::string> voices_;   // espeak-ng voice names present
    std::mutex mutex_;
    std::condition_variable wake_;
    std::optional<Job> next_;
    bool quit_ = false;
    std::atomic<bool> cancel_{false};
    std::atomic<int> spoken_{0}, cancelled_{0};
    std::thread worker_;
};

}  // namespace lkp
