#pragma once
// 95 % intervals for the indicators: Wilson's score interval for shares (it stays inside 0..1 and
// keeps its coverage at small n, unlike the textbook Wald interval), Student's t for means.
// The kiosks' sample is self-selected, so these intervals are indicative, never exact.
#include <cstdint>

namespace lkp::indicators {

struct Interval {
    double low = 0, high = 0;
};

// Share x/n (n > 0) at 95 %.
Interval wilson(std::int64_t x, std::int64_t n);

// The 0.975 quantile of Student's t with df degrees of freedom (df >= 1): the factor of a
// two-sided 95 % interval.
double t_quantile_975(std::int64_t df);

// Mean of n values (n >= 2) from their sum and sum of squares, at 95 %.
Interval t_interval(std::int64_t n, double sum, double sum_of_squares);

// The standard deviation of n values (n >= 2) from their sum and sum of squares.
double standard_deviation(std::int64_t n, double sum, double sum_of_squares);

// 95 % interval of p1 - p2 for two independent shares x1/n1 and x2/n2 (n > 0), as fractions:
// Newcombe's hybrid score interval (his method 10), built from the two Wilson intervals, so it
// keeps its coverage where the Wald difference fails (small n, shares near 0 or 1).
Interval share_difference(std::int64_t x1, std::int64_t n1, std::int64_t x2, std::int64_t n2);

// 95 % interval of mean1 - mean2 for two independent samples (each n >= 2), Welch's t with the
// Welch-Satterthwaite degrees of freedom (no equal variances assumed).
Interval mean_difference(std::int64_t n1, double sum1, double sum_of_squares1, std::int64_t n2, double sum2,
                         double sum_of_squares2);

}  // namespace lkp::indicators
