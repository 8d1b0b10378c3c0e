#include "interval.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace lkp::indicators {

namespace {

constexpr double kZ = 1.959963984540054;  // the 0.975 quantile of the standard normal

// Continued fraction of the regularised incomplete beta function I_x(a, b), evaluated with the
// modified Lentz method; converges quickly for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (std::fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 300; ++m) {
        double m2 = 2.0 * m;
        double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + even * d;
        c = 1 + even / c;
        d = 1 / (std::fabs(d) < tiny ? tiny : d);
        c = std::fabs(c) < tiny ? tiny : c;
        h *= d * c;
        double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + odd * d;
        c = 1 + odd / c;
        d = 1 / (std::fabs(d) < tiny ? tiny : d);
        c = std::fabs(c) < tiny ? tiny : c;
        double step = d * c;
        h *= step;
        if (std::fabs(step - 1) < 1e-15) break;
    }
    return h;
}

double incomplete_beta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double front =
        std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
    if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(a, b, x) / a;
    return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

// P(T <= t) for t >= 0.
double t_cdf(double t, double df) { return 1 - 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t)); }

}  // namespace

Interval wilson(std::int64_t x, std::int64_t n) {
    if (n <= 0 || x < 0 || x > n) throw std::invalid_argument("wilson: need 0 <= x <= n and n > 0");
    double p = static_cast<double>(x) / static_cast<double>(n), nn = static_cast<double>(n);
    double z2 = kZ * kZ;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = kZ * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

namespace {

// Also for the fractional degrees of freedom of Welch's interval.
double t_quantile_975(double df) {
    double lo = 0, hi = 20;  // t(1) is 12.7; bisection to double precision is 64 halvings
    while (t_cdf(hi, df) < 0.975) hi *= 2;
    for (int i = 0; i < 100 && hi - lo > 1e-12; ++i) {
        double mid = (lo + hi) / 2;
        (t_cdf(mid, df) < 0.975 ? lo : hi) = mid;
    }
    return (lo + hi) / 2;
}

// Welch's degrees of freedom to a thousandth, remembered: a query computes thousands of
// differences, and t moves by less than 1e-5 within a thousandth of a degree of freedom.
double welch_quantile(double df) {
    static std::mutex mutex;
    static std::unordered_map<std::int64_t, double> known;
    auto key = static_cast<std::int64_t>(std::llround(df * 1000));
    std::lock_guard lock(mutex);
    auto [at, added] = known.try_emplace(key, 0.0);
    if (added) at->second = t_quantile_975(static_cast<double>(key) / 1000);
    return at->second;
}

}  // namespace

// Remembered per df: every cell of a query needs one, and the bisection costs microseconds.
double t_quantile_975(std::int64_t df) {
    if (df < 1) throw std::invalid_argument("t_quantile_975: df must be at least 1");
    static std::mutex mutex;
    static std::unordered_map<std::int64_t, double> known;
    std::lock_guard lock(mutex);
    auto [at, added] = known.try_emplace(df, 0.0);
    if (added) at->second = t_quantile_975(static_cast<double>(df));
    return at->second;
}

double standard_deviation(std::int64_t n, double sum, double sum_of_squares) {
    if (n < 2) throw std::invalid_argument("standard_deviation: need n >= 2");
    double nn = static_cast<double>(n);
    double variance = (sum_of_squares - sum * sum / nn) / (nn - 1);
    return std::sqrt(std::max(0.0, variance));  // rounding can make a zero variance slightly negative
}

Interval t_interval(std::int64_t n, double sum, double sum_of_squares) {
    double mean = sum / static_cast<double>(n);
    double half =
        t_quantile_975(n - 1) * standard_deviation(n, sum, sum_of_squares) / std::sqrt(static_cast<double>(n));
    return {mean - half, mean + half};
}

Interval share_difference(std::int64_t x1, std::int64_t n1, std::int64_t x2, std::int64_t n2) {
    Interval w1 = wilson(x1, n1), w2 = wilson(x2, n2);
    double p1 = static_cast<double>(x1) / static_cast<double>(n1);
    double p2 = static_cast<double>(x2) / static_cast<double>(n2);
    double d = p1 - p2;
    return {d - std::sqrt((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2)),
            d + std::sqrt((w1.high - p1) * (w1.high - p1) + (p2 - w2.low) * (p2 - w2.low))};
}

Interval mean_difference(std::int64_t n1, double sum1, double sum_of_squares1, std::int64_t n2, double sum2,
                         double sum_of_squares2) {
    double a = static_cast<double>(n1), b = static_cast<double>(n2);
    double s1 = standard_deviation(n1, sum1, sum_of_squares1), s2 = standard_deviation(n2, sum2, sum_of_squares2);
    double v1 = s1 * s1 / a, v2 = s2 * s2 / b;
    double d = sum1 / a - sum2 / b;
    double se = std::sqrt(v1 + v2);
    if (se == 0) return {d, d};
    double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (a - 1) + v2 * v2 / (b - 1));
    double t = welch_quantile(std::max(1.0, df));
    return {d - t * se, d + t * se};
}

}  // namespace lkp::indicators
