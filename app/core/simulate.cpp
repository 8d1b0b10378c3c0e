#include "simulate.h"

#include <algorithm>
#include <random>

namespace lkp {

SimulationCounts simulate_sessions(Session& session, std::uint64_t seed, int count,
                                   const std::function<void(const Outcome&)>& persist) {
    std::mt19937_64 rng(seed);
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };

    SimulationCounts counts;
    // Sessions follow each other back to back in simulated time (about 30 s each). Start far enough
    // in the past that the last one still ends before now: the store refuses answers from the future.
    auto rewind = std::min<std::chrono::milliseconds>(std::chrono::seconds(45) * count, std::chrono::hours(24 * 365));
    Instant now = Instant::now() + (-rewind);
    auto feed = [&](const Event& e) {
        now = now + std::chrono::milliseconds(800 + static_cast<int>(pick(4000)));
        Outcome o = session.handle(e, now);
        if (o.started) ++counts.started;
        if (o.completed) ++counts.completed;
        if (o.abandoned_at) ++counts.abandoned;
        persist(o);
    };
    auto walk_away = [&]() {  // let the idle timer and the countdown run out
        const auto& s = session.settings();
        for (auto t : {s.idle_timeout, s.countdown}) {
            now = now + std::chrono::duration_cast<std::chrono::milliseconds>(t);
            Outcome o = session.tick(now);
            if (o.abandoned_at) ++counts.abandoned;
            persist(o);
        }
    };

    const auto& languages = session.settings().languages;
    const auto& districts = session.districts().districts;
    for (int i = 0; i < count; ++i) {
        feed(event::Start{});
        bool abandon = chance(0.1);
        size_t abandon_after = abandon ? pick(session.survey().questions.size() + 2) : SIZE_MAX;
        size_t steps = 0;
        while (session.screen() != Screen::Thanks && session.screen() != Screen::Attract) {
            if (steps++ == abandon_after) {
                if (session.screen() == Screen::Language && chance(0.5))
                    feed(event::Back{});
                else
                    walk_away();
                break;
            }
            switch (session.screen()) {
                case Screen::Language:
                    feed(event::ChooseLanguage{languages[pick(languages.size())]});
                    break;
                case Screen::District: {
                    double r = std::uniform_real_distribution<double>(0, 1)(rng);
                    if (r < 0.05)
                        feed(event::ChooseDistrict{std::nullopt});
                    else if (r < 0.1)
                        feed(event::ChooseDistrict{std::string(kDistrictOutside)});
                    else
                        feed(event::ChooseDistrict{districts[pick(districts.size())].code});
                    break;
                }
                case Screen::Question: {
                    if (chance(0.03) && session.question_index() > 0) {
                        feed(event::Back{});
                        break;
                    }
                    const auto& options = session.current_question().scale.options;
                    feed(event::Answer{chance(1.0 / 15) ? Json(nullptr) : options[pick(options.size())].value});
                    break;
                }
                default:
                    break;
            }
        }
        if (session.screen() == Screen::Thanks) feed(event::Finish{});
    }
    return counts;
}

}  // namespace lkp
