// Read-aloud: a voice for every language espeak-ng speaks, audible output, none for the rest,
// and a new request interrupting the old one without ever blocking the caller.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "speech/speaker.h"

namespace lkp {
namespace {

double rms(const std::vector<std::int16_t>& pcm) {
    double sum = 0;
    for (auto s : pcm) sum += static_cast<double>(s) * s;
    return pcm.empty() ? 0 : std::sqrt(sum / static_cast<double>(pcm.size()));
}

TEST(Speech, EveryRequiredLanguageIsSpokenAloud) {
    const std::vector<std::pair<std::string, std::string>> samples = {
        {"sv", "Hur trygg känner du dig?"},      {"sv-easy", "Känner du dig trygg?"},
        {"en", "How safe do you feel?"},          {"ar", "ما مدى شعورك بالأمان؟"},
        {"fa", "چقدر احساس امنیت می‌کنید؟"},        {"uk", "Наскільки безпечно ви почуваєтеся?"},
        {"bs", "Koliko se sigurno osjećate?"},     {"pl", "Jak bezpiecznie się czujesz?"},
        {"da", "Hvor tryg føler du dig?"},         {"tr", "Kendinizi ne kadar güvende hissediyorsunuz?"},
        {"fi", "Kuinka turvalliseksi tunnet olosi?"}};
    Speaker speaker(Speaker::Output::Silent);
    ASSERT_TRUE(speaker.available());
    for (const auto& [lang, text] : samples) {
        EXPECT_TRUE(speaker.has_voice(lang)) << lang;
        int rate = 0;
        auto pcm = Speaker::synthesize(lang, text, &rate);
        EXPECT_GT(static_cast<double>(pcm.size()) / rate, 0.5) << lang << ": too short to be the sentence";
        EXPECT_GT(rms(pcm), 500.0) << lang << ": silence";
    }
}

TEST(Speech, LanguagesWithoutAVoiceHaveNoButton) {
    Speaker speaker(Speaker::Output::Silent);
    for (const char* lang : {"so", "ti", "yi", "xx"}) EXPECT_FALSE(speaker.has_voice(lang)) << lang;
    EXPECT_EQ(speaker.voiced({"sv", "ti", "ar", "yi"}), (std::vector<std::string>{"sv", "ar"}));
}

TEST(Speech, ANewRequestInterruptsTheOldOne) {
    Speaker speaker(Speaker::Output::Silent);
    std::string long_text;
    for (int i = 0; i < 40; ++i) long_text += "Hur trygg eller otrygg känner du dig om du går ut ensam sent en kväll? ";
    speaker.say("sv", long_text);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    speaker.say("sv", "Tack.");
    for (int i = 0; i < 400 && speaker.spoken_count() + speaker.cancelled_count() < 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(speaker.spoken_count(), 1) << "the short text is spoken";
    EXPECT_EQ(speaker.cancelled_count(), 1) << "the long one was cut short";
}

TEST(Speech, DestroyingMidSpeechReturns) {
    auto speaker = std::make_unique<Speaker>(Speaker::Output::Silent);
    speaker->say("en", std::string(2000, 'a') + " long text");
    speaker.reset();   // joins the worker: must not hang
    SUCCEED();
}

}  // namespace
}  // namespace lkp
