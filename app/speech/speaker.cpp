#include "speech/speaker.h"

#include <dlfcn.h>
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// Why not espeak-ng's own AUDIO_OUTPUT_PLAYBACK: on Debian 12 (espeak-ng 1.51) espeak_Initialize
// reports success without a sound device; the failure only shows on espeak-ng's own thread, as
// "error: No such file or directory" on every utterance, while espeak_Synth still returns EE_OK.
// And its output mode is global: a process playing that way cannot also synthesise to memory.
// So espeak-ng always runs synchronously and hands us the samples; Playback writes them to the
// device through pcaudiolib, the library espeak-ng itself plays with.

namespace lkp {

namespace {

// ---- espeak-ng: one process-wide state; every access holds g_espeak ----

std::mutex g_espeak;
bool g_tried = false;
int g_sample_rate = 0;                        // > 0 once espeak-ng runs
std::vector<std::string> g_languages;         // language codes its voices speak
std::vector<std::int16_t>* g_pcm = nullptr;   // where the callback puts samples
const std::atomic<bool>* g_cancel = nullptr;  // once set, the callback stops the synthesis

int on_samples(short* wav, int count, espeak_EVENT*) {
    if (wav && count > 0 && g_pcm) g_pcm->insert(g_pcm->end(), wav, wav + count);
    return g_cancel && g_cancel->load() ? 1 : 0;  // 1 makes espeak-ng abandon the utterance
}

// espeak_ng_PrintStatusCodeMessage names the file that failed; keep it, as one line.
std::string status_message(espeak_ng_STATUS status, espeak_ng_ERROR_CONTEXT context) {
    char* text = nullptr;
    std::size_t size = 0;
    std::string message;
    if (FILE* out = open_memstream(&text, &size)) {
        espeak_ng_PrintStatusCodeMessage(status, out, context);
        std::fclose(out);
        message = text ? text : "";
        std::free(text);
    }
    while (!message.empty() && (message.back() == '\n' || message.back() == '.')) message.pop_back();
    return message;
}

// Caller holds g_espeak. The espeak_ng_* calls rather than espeak_Initialize: that one exits the
// process when its data is missing, and reports success when output fails.
bool start_espeak_locked() {
    if (g_tried) return g_sample_rate > 0;
    g_tried = true;
    espeak_ng_InitializePath(nullptr);
    espeak_ng_ERROR_CONTEXT context = nullptr;
    espeak_ng_STATUS status = espeak_ng_Initialize(&context);
    if (status == ENS_OK) status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
    if (status != ENS_OK) {
        std::fprintf(stderr, "lkp-kiosk: read-aloud is off: espeak-ng could not start: %s\n",
                     status_message(status, context).c_str());
        espeak_ng_ClearErrorContext(&context);
        return false;
    }
    // espeak-ng's own voices all speak at this rate (22050 Hz); only MBROLA voices differ.
    g_sample_rate = espeak_ng_GetSampleRate();
    espeak_SetSynthCallback(on_samples);
    // Each voice lists its languages as (priority byte, name, NUL) entries, ended by an empty name.
    for (const espeak_VOICE** voice = espeak_ListVoices(nullptr); voice && *voice; ++voice)
        for (const char* entry = (*voice)->languages; entry && entry[0] != 0; entry += std::strlen(entry + 1) + 2)
            g_languages.emplace_back(entry + 1);
    return g_sample_rate > 0;
}

// Caller holds g_espeak. Appends the samples to *pcm; stops early once *cancel is set.
bool synthesize_locked(const std::string& voice, const std::string& text, std::vector<std::int16_t>* pcm,
                       const std::atomic<bool>* cancel) {
    if (!start_espeak_locked() || espeak_SetVoiceByName(voice.c_str()) != EE_OK) return false;
    g_pcm = pcm;
    g_cancel = cancel;
    espeak_ERROR result =
        espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
    g_pcm = nullptr;
    g_cancel = nullptr;
    return result == EE_OK;
}

// Kiosk language code -> espeak-ng voice name, which is also the language code its voice lists.
std::string voice_for(const std::string& language) {
    if (language == "sv-x-easy") return "sv";  // Lätt svenska is Swedish (its tag was "sv-easy" before issue 12)
    return language;
}

// pcaudiolib's C API (pcaudiolib/audio.h). libespeak-ng1 depends on libpcaudio0, so it is
// installed wherever espeak-ng is; the build links only espeak-ng, so it is looked up at run time.
struct audio_object;
constexpr int kFormatS16LE = 2;  // AUDIO_OBJECT_FORMAT_S16LE

template <typename Fn>
bool look_up(void* library, const char* name, Fn& fn) {
    fn = reinterpret_cast<Fn>(dlsym(library, name));
    return fn != nullptr;
}

}  // namespace

// ---- The sound device ----

class Speaker::Audio {
  public:
    // Null, with the reason in `error`, when there is no device to play on.
    static std::unique_ptr<Audio> open(int sample_rate, std::string& error) {
        std::unique_ptr<Audio> audio(new Audio);
        audio->library_ = dlopen("libpcaudio.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!audio->library_) {
            error = dlerror();
            return nullptr;
        }
        if (!look_up(audio->library_, "create_audio_device_object", audio->create_) ||
            !look_up(audio->library_, "audio_object_open", audio->open_) ||
            !look_up(audio->library_, "audio_object_close", audio->close_) ||
            !look_up(audio->library_, "audio_object_destroy", audio->destroy_) ||
            !look_up(audio->library_, "audio_object_write", audio->write_) ||
            !look_up(audio->library_, "audio_object_flush", audio->flush_) ||
            !look_up(audio->library_, "audio_object_strerror", audio->strerror_)) {
            error = "libpcaudio.so.0 lacks the audio_object functions";
            return nullptr;
        }
        // Tries PulseAudio (PipeWire's too), then ALSA, then OSS, as espeak-ng does.
        audio->device_ = audio->create_(nullptr, "lkp-kiosk", "Read-aloud");
        if (!audio->device_) {
            error = "no PulseAudio, ALSA or OSS output";
            return nullptr;
        }
        if (int status = audio->open_(audio->device_, kFormatS16LE, static_cast<std::uint32_t>(sample_rate), 1)) {
            error = audio->describe(status);
            return nullptr;
        }
        return audio;
    }

    ~Audio() {
        if (device_) {
            close_(device_);
            destroy_(device_);
        }
        if (library_) dlclose(library_);
    }

    // Blocks until the device has room: that is what paces playback.
    bool write(const std::int16_t* samples, std::size_t count, std::string& error) {
        if (int status = write_(device_, samples, count * sizeof(std::int16_t))) {
            error = describe(status);
            return false;
        }
        return true;
    }

    // Drops what the device still holds, so a cancelled utterance stops at once. (pcaudiolib 1.2's
    // ALSA backend reopens the device for this and leaks 608 bytes each time; espeak_Cancel too.)
    void flush() { flush_(device_); }

  private:
    Audio() = default;
    std::string describe(int status) const {
        const char* text = strerror_(device_, status);
        return text ? text : "error " + std::to_string(status);
    }

    void* library_ = nullptr;
    audio_object* device_ = nullptr;
    audio_object* (*create_)(const char*, const char*, const char*) = nullptr;
    int (*open_)(audio_object*, int, std::uint32_t, std::uint8_t) = nullptr;
    void (*close_)(audio_object*) = nullptr;
    void (*destroy_)(audio_object*) = nullptr;
    int (*write_)(audio_object*, const void*, std::size_t) = nullptr;
    int (*flush_)(audio_object*) = nullptr;
    const char* (*strerror_)(audio_object*, int) = nullptr;
};

// ---- Speaker ----

Speaker::Speaker(Output output) {
    {
        std::lock_guard lock(g_espeak);
        available_ = start_espeak_locked();
        sample_rate_ = g_sample_rate;
        voices_ = g_languages;
    }
    if (available_ && output == Output::Playback) {
        std::string error;
        audio_ = Audio::open(sample_rate_, error);
        if (!audio_)
            std::fprintf(stderr, "lkp-kiosk: no audio device for read-aloud: %s (speaking silently)\n", error.c_str());
    }
    plays_sound_ = audio_ != nullptr;
    worker_ = std::thread([this] { run(); });
}

Speaker::~Speaker() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
        cancel_ = true;
    }
    wake_.notify_one();
    worker_.join();
}

bool Speaker::has_voice(const std::string& language) const {
    return available_ && std::find(voices_.begin(), voices_.end(), voice_for(language)) != voices_.end();
}

std::vector<std::string> Speaker::voiced(const std::vector<std::string>& languages) const {
    std::vector<std::string> out;
    for (const std::string& language : languages)
        if (has_voice(language)) out.push_back(language);
    return out;
}

void Speaker::say(const std::string& language, const std::string& text) {
    if (!has_voice(language)) return;
    {
        std::lock_guard lock(mutex_);
        cancelled_ += static_cast<int>(queue_.size());  // replaced before the worker took them
        queue_.clear();
        queue_.push_back(Job{voice_for(language), text});
        cancel_ = true;  // interrupts the utterance being spoken, if any
    }
    wake_.notify_one();
}

void Speaker::say_next(const std::string& language, const std::string& text) {
    if (!has_voice(language)) return;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(Job{voice_for(language), text});
    }
    wake_.notify_one();
}

void Speaker::stop() {
    {
        std::lock_guard lock(mutex_);
        cancelled_ += static_cast<int>(queue_.size());
        queue_.clear();
        cancel_ = true;
    }
    wake_.notify_one();
}

void Speaker::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return quit_ || !queue_.empty(); });
            if (quit_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
            cancel_ = false;
        }
        if (speak(job))
            ++spoken_;
        else
            ++cancelled_;
    }
}

bool Speaker::speak(const Job& job) {
    // The whole utterance is synthesised first (a sentence takes a few ms), so g_espeak is never
    // held while sound plays and synthesize() or another Speaker waits only that long.
    std::vector<std::int16_t> pcm;
    bool synthesised = false;
    {
        std::lock_guard lock(g_espeak);
        synthesised = synthesize_locked(job.voice, job.text, &pcm, &cancel_);
    }
    if (cancel_) return false;
    if (!synthesised) {
        static std::atomic<bool> logged{false};
        if (!logged.exchange(true))
            std::fprintf(stderr, "lkp-kiosk: read-aloud failed for voice \"%s\"\n", job.voice.c_str());
        return false;
    }
    ++started_;
    return play(pcm);
}

bool Speaker::play(const std::vector<std::int16_t>& pcm) {
    if (!audio_) {
        // Silent: take as long as playing would, so cancelling and counting behave as with sound.
        auto duration = std::chrono::duration<double>(static_cast<double>(pcm.size()) / sample_rate_);
        std::unique_lock lock(mutex_);
        return !wake_.wait_for(lock, duration, [this] { return cancel_.load(); });
    }
    // Slices of 50 ms, so a cancel takes effect within one; flush() drops what the device buffered.
    const std::size_t slice = static_cast<std::size_t>(sample_rate_ / 20);
    for (std::size_t at = 0; at < pcm.size(); at += slice) {
        if (cancel_) {
            audio_->flush();
            return false;
        }
        std::string error;
        if (!audio_->write(pcm.data() + at, std::min(slice, pcm.size() - at), error)) {
            std::fprintf(stderr, "lkp-kiosk: sound device failed, read-aloud goes on silently: %s\n", error.c_str());
            audio_.reset();
            plays_sound_ = false;
            return false;
        }
    }
    return true;
}

std::vector<std::int16_t> Speaker::synthesize(const std::string& language, const std::string& text, int* sample_rate) {
    std::vector<std::int16_t> pcm;
    std::lock_guard lock(g_espeak);
    if (!synthesize_locked(voice_for(language), text, &pcm, nullptr)) pcm.clear();
    if (sample_rate) *sample_rate = g_sample_rate;
    return pcm;
}

}  // namespace lkp
