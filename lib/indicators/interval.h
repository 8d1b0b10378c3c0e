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

}  // namespace lkp::indicators
