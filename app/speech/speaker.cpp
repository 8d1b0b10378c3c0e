#include "speaker.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

namespace lkp {

namespace {

// espeak-ng keeps global state: one initialisation per process, in one output mode.
std::mutex g_espeak;
int g_sample_rate = 0;
int g_mode = -1;
std::atomic<bool>* g_cancel = nullptr;
std::vector<std::int16_t>* g_capture = nullptr;

int on_samples(short* wav, int count, espeak_EVENT*) {
    if (g_capture && wav) g_capture->insert(g_capture->end(), wav, wav + count);
    return g_cancel && g_cancel->load() ? 1 : 0;   // 1 stops the synthesis early
}

bool init_locked(espeak_AUDIO_OUTPUT mode) {
    if (g_mode == static_cast<int>(mode)) return g_sample_rate > 0;
    if (g_mode != -1) return false;
    g_mode = static_cast<int>(mode);
    g_sample_rate = espeak_Initialize(mode, 0, nullptr, 0);
    if (g_sample_rate <= 0) return false;
    espeak_SetSynthCallback(on_samples);
    return true;
}

// Kiosk language code -> espeak-ng voice name.
std::string voice_for(const std::string& language) {
    if (language == "sv-easy") return "sv";
    return language;
}

bool synth_locked(const std::string& voice, const std::string& text) {
    if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) return false;
    return espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr) == EE_OK &&
           espeak_Synchronize() == EE_OK;
}

}  // namespace

Speaker::Speaker(Output output) {
    {
        std::lock_guard lock(g_espeak);
        available_ = init_locked(output == Output::Playback ? AUDIO_OUTPUT_PLAYBACK : AUDIO_OUTPUT_SYNCHRONOUS);
        if (available_) {
            for (const espeak_VOICE** v = espeak_ListVoices(nullptr); v && *v; ++v)
                if ((*v)->name && (*v)->languages) voices_.push_back((*v)->languages + 1);  // skip the priority byte
        }
    }
    if (!available_) std::fprintf(stderr, "lkp-kiosk: read-aloud is off: espeak-ng could not start\n");
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
    // "en" is spoken by the "en-gb" voice (and its siblings): a variant counts too.
    std::string v = voice_for(language);
    return available_ && std::any_of(voices_.begin(), voices_.end(), [&](const std::string& name) {
               return name == v || name.rfind(v + "-", 0) == 0;
           });
}

std::vector<std::string> Speaker::voiced(const std::vector<std::string>& languages) const {
    std::vector<std::string> out;
    for (const auto& l : languages)
        if (has_voice(l)) out.push_back(l);
    return out;
}

void Speaker::say(const std::string& language, const std::string& text) {
    if (!has_voice(language)) return;
    {
        std::lock_guard lock(mutex_);
        next_ = Job{voice_for(language), text};
        cancel_ = true;   // interrupt what is being spoken now
    }
    wake_.notify_one();
}

void Speaker::stop() {
    std::lock_guard lock(mutex_);
    next_.reset();
    cancel_ = true;
}

void Speaker::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return quit_ || next_.has_value(); });
            if (quit_) return;
            job = std::move(*next_);
            next_.reset();
            cancel_ = false;
        }
        bool done = false;
        {
            std::lock_guard lock(g_espeak);
            g_cancel = &cancel_;
            done = synth_locked(job.voice, job.text);
            if (g_mode == AUDIO_OUTPUT_PLAYBACK) {
                // Playback runs on espeak-ng's own audio thread: wait for it, or cut it short.
                while (espeak_IsPlaying()) {
                    if (cancel_) {
                        espeak_Cancel();
                        break;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            }
            g_cancel = nullptr;
        }
        if (cancel_) ++cancelled_;
        else if (done) ++spoken_;
    }
}

std::vector<std::int16_t> Speaker::synthesize(const std::string& language, const std::string& text, int* sample_rate) {
    std::vector<std::int16_t> pcm;
    std::lock_guard lock(g_espeak);
    if (!init_locked(AUDIO_OUTPUT_SYNCHRONOUS)) return pcm;
    g_capture = &pcm;
    bool ok = synth_locked(voice_for(language), text);
    g_capture = nullptr;
    if (!ok) pcm.clear();
    if (sample_rate) *sample_rate = g_sample_rate;
    return pcm;
}

}  // namespace lkp
