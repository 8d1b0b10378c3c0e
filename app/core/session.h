#pragma once
// The resident's way through the survey as an explicit state machine:
//   attract -> language -> district -> each question in survey order -> thanks -> attract.
// Screens draw its state and send it events; it never draws and never stores. What it produces
// (a completed response, an abandoned session) comes back as an Outcome for the shell to persist.
#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "districts.h"
#include "record/response.h"
#include "results.h"
#include "survey.h"

namespace lkp {

using SteadyClock = std::chrono::steady_clock;

// Timers run on the monotonic clock; timestamps in responses come from the wall clock.
struct Instant {
    SteadyClock::time_point mono;
    std::chrono::system_clock::time_point wall;
    static Instant now() { return {SteadyClock::now(), std::chrono::system_clock::now()}; }
    Instant operator+(std::chrono::milliseconds d) const { return {mono + d, wall + d}; }
};

struct SessionSettings {
    std::string kiosk_id;
    std::optional<std::string> location;  // the kiosk's own district; nullopt: not configured
    std::string default_language = "sv";
    std::vector<std::string> languages;  // what ChooseLanguage accepts
    std::chrono::seconds idle_timeout{45};
    std::chrono::seconds countdown{20};
    std::chrono::seconds thanks{8};
    std::vector<std::string> flags;  // copied into every response ("synthetic")
    // The attract screen greets in each language in turn; the whole round takes at most this.
    std::chrono::seconds greeting_round{56};
    // With figures to show, the attract screen shows the results after this many greetings, for
    // this long, in the language of the greeting before them.
    int greetings_between_results = 3;
    std::chrono::seconds results_shown{12};
};

enum class Screen { Attract, Language, District, Question, Thanks };

namespace event {
struct Start {};  // tap on the attract screen
// A long press anywhere on the attract screen: start with speech, for a resident who cannot
// read the screen (the UI turns audio mode on and reads the languages out).
struct StartAudio {};
struct ChooseLanguage {
    std::string language;
};  // on the language screen, or switching mid-way
struct ChooseDistrict {
    std::optional<std::string> code;
};  // nullopt = "Vill inte svara"
struct Answer {
    Json value;
};  // null = "Vill inte svara"
struct Back {};
struct StillHere {};  // "Are you still there?" -> yes
struct Finish {};     // tap on the thank-you screen
}  // namespace event

using Event = std::variant<event::Start, event::StartAudio, event::ChooseLanguage, event::ChooseDistrict, event::Answer,
                           event::Back, event::StillHere, event::Finish>;

struct Outcome {
    bool started = false;
    std::optional<Response> completed;        // to be committed before the thank-you screen shows
    std::optional<std::string> abandoned_at;  // step name where an unfinished session ended
};

class Session {
  public:
    Session(Survey survey, DistrictList districts, SessionSettings settings);

    Outcome handle(const Event& e, Instant now);
    Outcome tick(Instant now);  // timers: idle prompt, discard, thank-you timeout

    Screen screen() const { return screen_; }
    const std::string& language() const { return language_; }
    const Survey& survey() const { return survey_; }
    const DistrictList& districts() const { return districts_; }
    const SessionSettings& settings() const { return settings_; }
    size_t question_index() const { return question_; }
    const Question& current_question() const { return survey_.questions.at(question_); }
    // The answer already given to the current step, if the resident came back to it.
    std::optional<Json> current_answer() const;
    const std::optional<std::optional<std::string>>& district() const { return district_; }

    // The language the first screens greet in now. On the attract screen, and on the language
    // screen until the resident has chosen, it moves through every language in turn (default
    // language first), one greeting_period() each; a tap keeps the greeting the resident saw.
    const std::string& greeting_language() const;
    std::chrono::milliseconds greeting_period() const;
    bool greeting_cycles() const;  // the greeting moves on by itself on this screen
    // A language was chosen on the language screen (the screen then speaks it, not the greeting's).
    bool language_chosen() const { return language_chosen_; }

    // Staff's test mode: answers completed while it is on carry the flag "test", so indicators
    // leave them out (staff mode turns it on and off; the session only marks).
    void set_test_mode(bool on) { test_mode_ = on; }
    bool test_mode() const { return test_mode_; }

    // The figures residents are shown between greetings on the attract screen. Kept only when
    // one of the indicators the survey labels for residents has a published value; otherwise
    // (and before any arrive) the attract screen shows the invitation alone.
    void set_results(std::optional<ResultsSnapshot> results);
    const std::optional<ResultsSnapshot>& results() const { return results_; }
    // The attract screen shows the results now (in greeting_language()), not the invitation.
    bool showing_results() const { return showing_results_; }

    bool asking_still_there() const { return prompt_deadline_.has_value(); }
    int seconds_left(Instant now) const;  // on the "still there?" countdown
    // When tick() must next run for a timer to fire; nullopt when nothing is pending.
    std::optional<SteadyClock::time_point> next_deadline() const;
    // The survey step, as stored with an abandoned session: "language", "district" or a question
    // id; empty on the attract and thank-you screens. The UI names its screens itself (ui/screen_table.h).
    std::string step_name() const;

  private:
    Outcome handle_event(const Event& e, Instant now);
    Outcome run_timers(Instant now);
    Outcome abandon();
    void reset();
    void advance_greeting(SteadyClock::time_point now);

    Survey survey_;
    DistrictList districts_;
    SessionSettings settings_;

    Screen screen_ = Screen::Attract;
    std::string language_;
    size_t question_ = 0;
    std::optional<std::optional<std::string>> district_;  // outer: chosen yet; inner: declined
    std::vector<std::optional<Json>> answers_;            // per question: unanswered or value/null
    std::chrono::system_clock::time_point started_wall_;
    SteadyClock::time_point last_touch_;
    SteadyClock::time_point thanks_until_;
    std::optional<SteadyClock::time_point> prompt_deadline_;
    bool language_chosen_ = false;
    bool test_mode_ = false;
    size_t greeting_ = 0;                                   // index into settings_.languages
    std::optional<SteadyClock::time_point> next_greeting_;  // unset until the first tick or event
    std::optional<ResultsSnapshot> results_;
    bool showing_results_ = false;
    int greetings_since_results_ = 0;
};

}  // namespace lkp
