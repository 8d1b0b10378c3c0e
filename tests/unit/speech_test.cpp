// Read-aloud: a voice for every language espeak-ng speaks, audible output, none for the rest, and
// a new request interrupting the old one without ever blocking the caller. No sound card needed:
// the Speakers here are Silent, and the Playback case runs with every sound output made unreachable.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "speech/speaker.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

double rms(const std::vector<std::int16_t>& pcm) {
    double sum = 0;
    for (std::int16_t s : pcm) sum += static_cast<double>(s) * s;
    return pcm.empty() ? 0 : std::sqrt(sum / static_cast<double>(pcm.size()));
}

double seconds(const std::vector<std::int16_t>& pcm, int sample_rate) {
    return sample_rate > 0 ? static_cast<double>(pcm.size()) / sample_rate : 0;
}

// Polls until done() or 20 s have passed. The limit only turns a hang into a failure; no test
// depends on how fast anything happens.
template <typename Done>
bool eventually(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > give_up) return done();
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

// Takes a minute to read out (each sentence about 4 s): whatever interrupts it does so mid-speech.
std::string long_text() {
    std::string text;
    for (int i = 0; i < 15; ++i) text += "Hur trygg eller otrygg känner du dig när du går ut ensam sent en kväll? ";
    return text;
}

// Measured with espeak-ng 1.51: these sentences last 1.9 to 3.7 s with an RMS of 2800 to 3500;
// the empty text gives 0.06 s of RMS 0. The thresholds sit far from both.
constexpr double kMinSeconds = 1.0;
constexpr double kMinRms = 1000;

struct Sample {
    const char* language;
    const char* text;
};
const Sample kSamples[] = {
    {"sv", "Hur trygg känner du dig i ditt bostadsområde?"},
    {"en", "How safe do you feel in your neighbourhood?"},
    {"ar", "ما مدى شعورك بالأمان في حيّك؟"},
    {"fa", "چقدر در محله خود احساس امنیت می‌کنید؟"},
    {"uk", "Наскільки безпечно ви почуваєтеся у своєму районі?"},
    {"bs", "Koliko se sigurno osjećate u svom naselju?"},
    {"pl", "Jak bezpiecznie czujesz się w swojej okolicy?"},
    {"da", "Hvor tryg føler du dig i dit kvarter?"},
    {"tr", "Mahallenizde kendinizi ne kadar güvende hissediyorsunuz?"},
    {"fi", "Kuinka turvalliseksi tunnet olosi asuinalueellasi?"},
};

TEST(Speech, EveryVoicedLanguageIsSpokenAloud) {
    Speaker speaker(Speaker::Output::Silent);
    ASSERT_TRUE(speaker.available());
    for (const Sample& sample : kSamples) {
        EXPECT_TRUE(speaker.has_voice(sample.language)) << sample.language;
        int rate = 0;
        std::vector<std::int16_t> pcm = Speaker::synthesize(sample.language, sample.text, &rate);
        EXPECT_GT(seconds(pcm, rate), kMinSeconds) << sample.language << ": too short to be the sentence";
        EXPECT_GT(rms(pcm), kMinRms) << sample.language << ": silence";
    }
}

TEST(Speech, SilenceIsNotMistakenForSpeech) {
    // The control for the thresholds above: nothing to say gives (next to) no sound.
    int rate = 0;
    std::vector<std::int16_t> pcm = Speaker::synthesize("sv", "", &rate);
    EXPECT_GT(rate, 0);
    EXPECT_LT(seconds(pcm, rate), kMinSeconds);
    EXPECT_LT(rms(pcm), kMinRms);
}

TEST(Speech, EasySwedishReadsWithTheSwedishVoice) {
    Speaker speaker(Speaker::Output::Silent);
    EXPECT_TRUE(speaker.has_voice("sv-x-easy"));
    // espeak-ng varies a few samples between runs, so the voices are told apart by length: the
    // English voice reads this Swedish sentence about 8% shorter.
    const char* text = "Hur trygg känner du dig i ditt bostadsområde?";
    int rate = 0;
    std::vector<std::int16_t> easy = Speaker::synthesize("sv-x-easy", text, &rate);
    std::vector<std::int16_t> swedish = Speaker::synthesize("sv", text);
    ASSERT_GT(seconds(easy, rate), kMinSeconds);
    EXPECT_NEAR(static_cast<double>(easy.size()), static_cast<double>(swedish.size()),
                0.01 * static_cast<double>(swedish.size()));
}

TEST(Speech, LanguagesWithoutAVoiceHaveNone) {
    Speaker speaker(Speaker::Output::Silent);
    for (const char* language : {"so", "ti", "yi", "xx", ""}) {
        EXPECT_FALSE(speaker.has_voice(language)) << language;
        EXPECT_TRUE(Speaker::synthesize(language, "Salaan").empty()) << language;
    }
    EXPECT_EQ(speaker.voiced({"sv", "ti", "sv-x-easy", "ar", "so", "yi", "fi"}),
              (std::vector<std::string>{"sv", "sv-x-easy", "ar", "fi"}));
}

TEST(Speech, SayReturnsAndTheWorkerReadsToTheEnd) {
    Speaker speaker(Speaker::Output::Silent);
    speaker.say("en", "Thank you.");
    ASSERT_TRUE(eventually([&] { return speaker.spoken_count() == 1; }));
    EXPECT_EQ(speaker.started_count(), 1);
    EXPECT_EQ(speaker.cancelled_count(), 0);
}

TEST(Speech, ANewRequestInterruptsTheOneBeingSpoken) {
    Speaker speaker(Speaker::Output::Silent);
    speaker.say("sv", long_text());
    ASSERT_TRUE(eventually([&] { return speaker.started_count() == 1; }));
    speaker.say("sv", "Tack.");
    ASSERT_TRUE(eventually([&] { return speaker.spoken_count() == 1; })) << "the short text is read to the end";
    EXPECT_EQ(speaker.cancelled_count(), 1) << "the long one was cut short";
    EXPECT_EQ(speaker.started_count(), 2);
}

TEST(Speech, RapidTapsReadOnlyTheLast) {
    // However far the worker got with the first two, only the last is read to the end.
    Speaker speaker(Speaker::Output::Silent);
    speaker.say("sv", long_text());
    speaker.say("ar", "ما مدى شعورك بالأمان في حيّك؟ " + long_text());
    speaker.say("fi", "Kiitos.");
    ASSERT_TRUE(eventually([&] { return speaker.spoken_count() == 1; }));
    EXPECT_EQ(speaker.cancelled_count(), 2);
}

TEST(Speech, StopCancelsAndTheSpeakerStaysUsable) {
    Speaker speaker(Speaker::Output::Silent);
    speaker.say("da", long_text());
    ASSERT_TRUE(eventually([&] { return speaker.started_count() == 1; }));
    speaker.stop();
    ASSERT_TRUE(eventually([&] { return speaker.cancelled_count() == 1; }));
    EXPECT_EQ(speaker.spoken_count(), 0);
    speaker.say("da", "Tak.");
    EXPECT_TRUE(eventually([&] { return speaker.spoken_count() == 1; }));
}

TEST(Speech, ALanguageWithoutAVoiceInterruptsNothing) {
    Speaker speaker(Speaker::Output::Silent);
    speaker.say("so", "Mahadsanid.");  // the kiosk shows no speaker button for it; ignored
    speaker.say("sv", "Tack.");
    ASSERT_TRUE(eventually([&] { return speaker.spoken_count() == 1; }));
    EXPECT_EQ(speaker.started_count(), 1);
    EXPECT_EQ(speaker.cancelled_count(), 0);
}

TEST(Speech, DestroyingMidSpeechJoinsTheWorker) {
    auto speaker = std::make_unique<Speaker>(Speaker::Output::Silent);
    speaker->say("uk", "Дякую. " + long_text());
    ASSERT_TRUE(eventually([&] { return speaker->started_count() == 1; }));
    speaker.reset();  // a hang here is the failure
    auto waiting = std::make_unique<Speaker>(Speaker::Output::Silent);
    waiting->say("pl", long_text());
    waiting.reset();  // with the text perhaps not yet taken by the worker
}

TEST(Speech, SynthesizeIsSafeWhileSpeakersSpeak) {
    // espeak-ng is not thread-safe: this fails under ASan/TSan, or with garbage audio, without the
    // process-wide mutex.
    Speaker a(Speaker::Output::Silent), b(Speaker::Output::Silent);
    std::thread tapper([&] {
        for (int i = 0; i < 40; ++i) {
            a.say("sv", "Hur trygg känner du dig?");
            b.say("tr", "Kendinizi ne kadar güvende hissediyorsunuz?");
        }
    });
    for (int i = 0; i < 40; ++i) {
        const Sample& sample = kSamples[static_cast<std::size_t>(i) % std::size(kSamples)];
        int rate = 0;
        std::vector<std::int16_t> pcm = Speaker::synthesize(sample.language, sample.text, &rate);
        EXPECT_GT(seconds(pcm, rate), kMinSeconds) << sample.language;
        EXPECT_GT(rms(pcm), kMinRms) << sample.language;
    }
    tapper.join();
    EXPECT_TRUE(eventually([&] { return a.spoken_count() + a.cancelled_count() == 40; }));
    EXPECT_TRUE(eventually([&] { return b.spoken_count() + b.cancelled_count() == 40; }));
    EXPECT_GE(a.spoken_count(), 1) << "the last of the taps is read to the end";
}

// espeak-ng and the sound libraries read their setup once per process, so the next two run in a
// fresh process (gtest's threadsafe death-test style re-executes this binary) and report by exit code.

int speak_with_no_sound_output_reachable() {
    // No PulseAudio server and no ALSA configuration, whatever this machine has.
    setenv("PULSE_SERVER", "unix:/nonexistent/pulse", 1);
    setenv("ALSA_CONFIG_PATH", "/nonexistent/alsa.conf", 1);
    Speaker speaker(Speaker::Output::Playback);
    speaker.say("sv", "Tack.");
    bool spoken = eventually([&] { return speaker.spoken_count() == 1; });
    return speaker.available() && !speaker.plays_sound() && spoken ? 0 : 1;
}

TEST(Speech, PlaybackWithoutASoundDeviceSpeaksSilently) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(std::exit(speak_with_no_sound_output_reachable()), testing::ExitedWithCode(0),
                "lkp-kiosk: no audio device for read-aloud: ");
}

int speak_without_espeak_data(const std::string& data_dir) {
    setenv("ESPEAK_DATA_PATH", data_dir.c_str(), 1);
    Speaker speaker(Speaker::Output::Silent);
    speaker.say("sv", "Tack.");  // must do nothing, and not crash
    speaker.stop();
    bool off = !speaker.available() && !speaker.has_voice("sv") && Speaker::synthesize("sv", "Tack.").empty();
    return off && speaker.started_count() == 0 ? 0 : 1;
}

TEST(Speech, WithoutEspeakDataReadAloudIsOff) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    std::string data_dir = testing::TempDir() + "lkp-speech-no-data";
    mkdir(data_dir.c_str(), 0700);
    mkdir((data_dir + "/espeak-ng-data").c_str(), 0700);  // there, but empty
    EXPECT_EXIT(std::exit(speak_without_espeak_data(data_dir)), testing::ExitedWithCode(0),
                "lkp-kiosk: read-aloud is off: espeak-ng could not start: .*phontab");
}

}  // namespace
}  // namespace lkp
