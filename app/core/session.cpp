#include "session.h"

#include <algorithm>
#include <cmath>

#include "record/language_tag.h"
#include "record/utc.h"
#include "record/uuid.h"

namespace lkp {

Session::Session(Survey survey, DistrictList districts, SessionSettings settings)
    : survey_(std::move(survey)), districts_(std::move(districts)), settings_(std::move(settings)) {
    reset();
}

void Session::reset() {
    screen_ = Screen::Attract;
    language_ = settings_.default_language;
    question_ = 0;
    district_.reset();
    answers_.assign(survey_.questions.size(), std::nullopt);
    prompt_deadline_.reset();
    language_chosen_ = false;
    // Each round starts in the kiosk's default language, for the passer-by who reads it.
    auto def = std::find(settings_.languages.begin(), settings_.languages.end(), settings_.default_language);
    greeting_ = def == settings_.languages.end() ? 0 : static_cast<size_t>(def - settings_.languages.begin());
    next_greeting_.reset();
    showing_results_ = false;
    greetings_since_results_ = 0;
}

void Session::set_results(std::optional<ResultsSnapshot> results) {
    auto has_figure = [&](const ResultsSnapshot& r) {
        for (const Indicator& i : survey_.indicators)
            if (const ResultsRow* row = r.find(i.id); row && !i.label_id.empty())
                if (row->district.shown() || row->city.shown()) return true;
        return false;
    };
    if (results && !has_figure(*results)) results.reset();
    results_ = std::move(results);
    if (!results_) showing_results_ = false;
}

const std::string& Session::greeting_language() const {
    return settings_.languages.empty() ? language_ : settings_.languages[greeting_];
}

std::chrono::milliseconds Session::greeting_period() const {
    using std::chrono::milliseconds;
    // Long enough to read the heading (a few seconds), short enough that every language comes
    // round within the round (4 s each for 14 languages in 56 s).
    auto n = static_cast<long>(std::max<size_t>(settings_.languages.size(), 1));
    auto per = std::chrono::duration_cast<milliseconds>(settings_.greeting_round) / n;
    return std::clamp(per, milliseconds(2000), milliseconds(6000));
}

bool Session::greeting_cycles() const {
    if (screen_ == Screen::Attract && results_) return true;  // the results come round, even in one language
    return settings_.languages.size() > 1 &&
           (screen_ == Screen::Attract || (screen_ == Screen::Language && !language_chosen_));
}

void Session::advance_greeting(SteadyClock::time_point now) {
    if (!greeting_cycles()) return;
    if (!next_greeting_) {
        next_greeting_ = now + greeting_period();
    } else if (now >= *next_greeting_) {
        if (screen_ == Screen::Attract && results_ && !showing_results_ &&
            ++greetings_since_results_ >= settings_.greetings_between_results) {
            // The results in the language just greeted in, for the passer-by who was reading it.
            showing_results_ = true;
            greetings_since_results_ = 0;
            next_greeting_ = now + settings_.results_shown;
            return;
        }
        showing_results_ = false;
        greeting_ = (greeting_ + 1) % std::max<size_t>(settings_.languages.size(), 1);
        // From now, not from the missed deadline: after a long sleep the next greeting still
        // shows for a whole period.
        next_greeting_ = now + greeting_period();
    }
}

std::string Session::step_name() const {
    if (screen_ == Screen::Question) return current_question().id;
    if (screen_ == Screen::District) return "district";
    if (screen_ == Screen::Language) return "language";
    return {};  // attract and thanks are no survey step: nothing is abandoned there
}

std::optional<Json> Session::current_answer() const {
    if (screen_ == Screen::Question) return answers_[question_];
    if (screen_ == Screen::District && district_) return *district_ ? Json(**district_) : Json(nullptr);
    return std::nullopt;
}

Outcome Session::abandon() {
    Outcome o;
    o.abandoned_at = step_name();
    reset();
    return o;
}

Outcome Session::handle(const Event& e, Instant now) {
    Outcome out = handle_event(e, now);
    advance_greeting(now.mono);  // starts the round of a screen that greets, if it has not
    return out;
}

Outcome Session::tick(Instant now) {
    Outcome out = run_timers(now);
    advance_greeting(now.mono);
    return out;
}

Outcome Session::handle_event(const Event& e, Instant now) {
    Outcome out;
    bool mid_survey = screen_ != Screen::Attract && screen_ != Screen::Thanks;
    last_touch_ = now.mono;
    prompt_deadline_.reset();  // any touch answers "are you still there?"

    if (std::holds_alternative<event::Start>(e) || std::holds_alternative<event::StartAudio>(e)) {
        if (screen_ != Screen::Attract) return out;
        size_t seen = greeting_;
        reset();
        screen_ = Screen::Language;
        started_wall_ = now.wall;
        out.started = true;
        // The language screen goes on from the greeting the resident saw when they touched, and
        // shows it for a whole period.
        greeting_ = seen;
        next_greeting_ = now.mono + greeting_period();
    } else if (auto* lang = std::get_if<event::ChooseLanguage>(&e)) {
        if (!mid_survey) return out;
        // A recording made before issue 12 chooses Lätt svenska as "sv-easy" (record/language_tag.h).
        const std::string chosen(record::current_language_tag(lang->language));
        if (std::find(settings_.languages.begin(), settings_.languages.end(), chosen) == settings_.languages.end())
            return out;
        language_ = chosen;
        language_chosen_ = true;
        if (screen_ == Screen::Language) screen_ = Screen::District;  // elsewhere: switch and stay
    } else if (auto* d = std::get_if<event::ChooseDistrict>(&e)) {
        if (screen_ != Screen::District) return out;
        if (d->code && !districts_.is_valid_choice(*d->code)) return out;
        district_ = d->code;
        screen_ = Screen::Question;
        question_ = 0;
    } else if (auto* a = std::get_if<event::Answer>(&e)) {
        if (screen_ != Screen::Question) return out;
        const Question& q = current_question();
        if (!a->value.is_null() && !q.scale.is_allowed(a->value)) return out;
        answers_[question_] = a->value;
        if (question_ + 1 < survey_.questions.size()) {
            ++question_;
            return out;
        }
        Response r;
        r.id = new_uuid_v4();
        r.kiosk_id = settings_.kiosk_id;
        r.survey_id = survey_.id;
        r.survey_version = survey_.version;
        r.location = settings_.location;
        r.language = language_;
        r.district = *district_;
        for (size_t i = 0; i < survey_.questions.size(); ++i)
            r.answers.emplace_back(survey_.questions[i].id, *answers_[i]);
        r.started_at = format_utc(started_wall_);
        r.submitted_at = format_utc(now.wall);
        r.flags = settings_.flags;
        if (test_mode_) r.flags.push_back("test");
        out.completed = std::move(r);
        // The answers now live only in the completed response: the next person sees nothing.
        answers_.assign(survey_.questions.size(), std::nullopt);
        district_.reset();
        screen_ = Screen::Thanks;
        thanks_until_ = now.mono + settings_.thanks;
    } else if (std::holds_alternative<event::Back>(e)) {
        switch (screen_) {
            case Screen::Language:
                return abandon();
            case Screen::District:
                screen_ = Screen::Language;
                break;
            case Screen::Question:
                if (question_ == 0)
                    screen_ = Screen::District;
                else
                    --question_;
                break;
            default:
                break;
        }
    } else if (std::holds_alternative<event::Finish>(e)) {
        if (screen_ == Screen::Thanks) reset();
    }
    // event::StillHere needs nothing beyond the touch recorded above.
    return out;
}

Outcome Session::run_timers(Instant now) {
    if (screen_ == Screen::Thanks) {
        if (now.mono >= thanks_until_) reset();
        return {};
    }
    if (screen_ == Screen::Attract) return {};
    if (prompt_deadline_) {
        if (now.mono >= *prompt_deadline_) return abandon();
        return {};
    }
    if (now.mono - last_touch_ >= settings_.idle_timeout) prompt_deadline_ = now.mono + settings_.countdown;
    return {};
}

int Session::seconds_left(Instant now) const {
    if (!prompt_deadline_) return 0;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*prompt_deadline_ - now.mono).count();
    return std::max(0, static_cast<int>(std::ceil(static_cast<double>(ms) / 1000.0)));
}

std::optional<SteadyClock::time_point> Session::next_deadline() const {
    // The next greeting, else (attract) nothing: an idle kiosk sleeps between greetings.
    std::optional<SteadyClock::time_point> greeting = greeting_cycles() ? next_greeting_ : std::nullopt;
    switch (screen_) {
        case Screen::Attract:
            return greeting;
        case Screen::Thanks:
            return thanks_until_;
        default:
            break;
    }
    if (prompt_deadline_) {
        // Wake every second so the countdown on screen stays right.
        auto left = *prompt_deadline_ - SteadyClock::now();
        auto step = left - std::chrono::duration_cast<std::chrono::seconds>(left);
        return SteadyClock::now() + (step.count() > 0 ? step : std::chrono::seconds(1));
    }
    auto idle = last_touch_ + settings_.idle_timeout;
    return greeting ? std::min(*greeting, idle) : idle;
}

}  // namespace lkp
