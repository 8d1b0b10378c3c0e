#include "indicator_sums.h"

#include <algorithm>
#include <cstdio>

#include "indicators/stockholm_time.h"
#include "record/utc.h"

namespace lkp::server {

namespace {

bool contains(const std::vector<Json>& values, const Json& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

bool is_flagged(const std::vector<std::string>& flags) {
    for (const auto& f : flags)
        if (f == "synthetic" || f == "test" || f == "suspect" || f == kBurstFlag) return true;
    return false;
}

bool is_flagged(const Response& r) { return is_flagged(r.flags); }

Sums& Sums::operator+=(const Sums& o) {
    n += o.n;
    numerator += o.numerator;
    sum += o.sum;
    sum_of_squares += o.sum_of_squares;
    return *this;
}

std::vector<Contribution> contributions(const Survey& survey, const Response& r, const std::string& dated_at) {
    std::vector<Contribution> out;
    auto submitted = parse_utc(dated_at.empty() ? r.submitted_at : dated_at);
    if (!submitted) return out;  // the store checked it; a row read back broken adds nothing
    const Json* gender = r.answer(kGenderQuestion);
    DayKey base{.survey_id = r.survey_id,
                .district = r.district.value_or(""),
                .day = indicators::date_text(indicators::stockholm_date(*submitted)),
                .gender = gender && gender->is_string() ? gender->get<std::string>() : "",
                .flagged = is_flagged(r)};
    for (const auto& ind : survey.indicators) {
        const Json* v = r.answer(ind.question);
        if (!v || v->is_null() || contains(ind.excluded, *v)) continue;
        Contribution c{base, {}};
        c.key.indicator = ind.id;
        c.sums.n = 1;
        if (ind.kind == "share") {
            c.sums.numerator = contains(ind.numerator, *v) ? 1 : 0;
        } else {
            if (!v->is_number()) continue;  // a scale's value is a number; the survey loader checks it
            double x = v->get<double>();
            c.sums.sum = x;
            c.sums.sum_of_squares = x * x;
        }
        out.push_back(std::move(c));
    }
    return out;
}

Figure figure(const Survey& survey, const Indicator& indicator, const Sums& s) {
    Figure f;
    if (s.n <= 0) return f;
    if (indicator.kind == "share") {
        f.value = 100.0 * static_cast<double>(s.numerator) / static_cast<double>(s.n);
        auto w = indicators::wilson(s.numerator, s.n);
        f.interval = indicators::Interval{100 * w.low, 100 * w.high};
        return f;
    }
    double mean = s.sum / static_cast<double>(s.n);
    std::optional<indicators::Interval> ci;
    if (s.n >= 2) ci = indicators::t_interval(s.n, s.sum, s.sum_of_squares);
    if (indicator.kind == "index_0_100") {
        // Rescaled from the question's own scale: 1..10 becomes (mean - 1) * 100 / 9.
        const Question* q = survey.find_question(indicator.question);
        double lo = q ? q->scale.min : 0, hi = q ? q->scale.max : 1;
        auto rescale = [&](double x) { return (x - lo) * 100 / (hi - lo); };
        f.value = rescale(mean);
        if (ci) f.interval = indicators::Interval{rescale(ci->low), rescale(ci->high)};
        return f;
    }
    f.value = mean;
    f.interval = ci;
    return f;
}

}  // namespace lkp::server
