// suppress() on the table the store publishes per indicator and year: 41 districts, the residual
// area and the city × T, K, M, Rest × year, halves, quarters and months (3,268 cells, 2,269 sums),
// with a year's answers drawn at random: sparse (600), medium (20,000) and dense (1,000,000).
// Goal: each under 50 ms (median) on the 2-core reference machine, Release build.
//
// Usage: bench_suppression [--benchmark_repetitions=5 --benchmark_report_aggregates_only=true]
// The counter `hidden` is the share of the table's cells that is not shown (unpublished included).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "indicators/suppression.h"
#include "indicators/year_table.h"

namespace {

using lkp::indicators::CellStatus;
using lkp::indicators::Table;
using lkp::indicators::YearGrid;

constexpr std::int64_t kMinCell = 5;

// A year of answers: 1 in 20 without a district, K and M about as many, 1 in 25 in Rest.
Table year_of(std::int64_t answers, unsigned seed) {
    YearGrid grid{41};
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> district(0, grid.districts - 1), month(0, 11);
    std::bernoulli_distribution no_district(1.0 / 20), rest(1.0 / 25), woman(0.5);
    std::vector<std::int64_t> n(grid.cells(), 0);
    for (std::int64_t i = 0; i < answers; ++i) {
        std::size_t area = no_district(rng) ? grid.residual() : district(rng);
        std::size_t gender = rest(rng) ? YearGrid::Rest : woman(rng) ? YearGrid::K : YearGrid::M;
        std::size_t m = month(rng);
        for (std::size_t a : {area, grid.city()})
            for (std::size_t g : {gender, std::size_t{YearGrid::T}})
                for (std::size_t p :
                     {YearGrid::kYear, YearGrid::half(m / 6), YearGrid::quarter(m / 3), YearGrid::month(m)})
                    ++n[grid.cell(a, g, p)];
    }
    return grid.table(std::move(n));
}

void suppress_year(benchmark::State& state) {
    Table table = year_of(state.range(0), 20261130);
    std::vector<CellStatus> status;
    for (auto _ : state) {
        status = lkp::indicators::suppress(table, kMinCell);
        benchmark::DoNotOptimize(status.data());
    }
    std::size_t hidden = 0;
    for (auto s : status) hidden += s != CellStatus::Shown;
    state.counters["hidden"] = static_cast<double>(hidden) / static_cast<double>(status.size());
}

}  // namespace

BENCHMARK(suppress_year)->Arg(600)->Arg(20'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
