// Writing a raw survey response export of 1,000,000 rows through lib/tables: 11 columns (text id,
// text kiosk, date, text language, text district, 3 integer answers, 2 free-text answers, a
// decimal), as CSV, XLSX and JSON, each to a real file and finished (fsync, rename).
//
//   build/bin/bench_tables [--benchmark_filter=csv|xlsx|json|rows]
//   /usr/bin/time -v build/bin/bench_tables --benchmark_filter=xlsx     (peak RSS of one format)
//
// The files go to $LKP_BENCH_DIR (default /tmp) and are removed afterwards unless LKP_BENCH_KEEP
// is set. Each format runs once (a run takes seconds); "rows" is the cost of making the rows alone,
// which is included in the formats' times. peak_rss_MiB is the process's peak so far (ru_maxrss):
// run one format per process for its own figure.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <string>
#include <vector>

#include "tables/writer.h"

namespace {

using lkp::tables::Cell;
using lkp::tables::Column;
using lkp::tables::Format;
using lkp::tables::Type;

constexpr std::int64_t kRows = 1'000'000;

const std::vector<Column> kColumns = {{"id", Type::Text},
                                      {"kiosk", Type::Text},
                                      {"datum", Type::Date},
                                      {"språk", Type::Text},
                                      {"stadsdel", Type::Text},
                                      {"trygghet", Type::Integer},
                                      {"delaktighet", Type::Integer},
                                      {"livskvalitet", Type::Integer},
                                      {"kommentar", Type::Text},
                                      {"förslag", Type::Text},
                                      {"svarstid_s", Type::Decimal}};

constexpr std::array<const char*, 8> kLanguages = {"sv", "en", "ar", "ti", "so", "fa", "uk", "pl"};
constexpr std::array<const char*, 10> kDistricts = {"Centrum", "Söder", "Norr",    "Råå",      "Ödåkra",
                                                    "Dalhem",  "Påarp", "Tåstarp", "Gantofta", "Drottninghög"};
constexpr std::array<const char*, 8> kFreeText = {"Mer belysning i parken, tack!",
                                                  "Bussen går för sällan på kvällen; jag tar bilen",
                                                  "Bra med \"öppen förskola\" på lördagar",
                                                  "نحتاج إلى المزيد من الأماكن للشباب",
                                                  "ብዙሕ ቦታታት ንመንእሰያት የድልየና",
                                                  "Rent och fint vid stranden.\nMen för få papperskorgar.",
                                                  "Cykelbanan vid Drottninggatan är farlig",
                                                  "-"};

// A small, fast generator: the rows are the same in every run and every format.
class Rows {
  public:
    void fill(std::vector<Cell>& row, std::int64_t n) {
        char id[37];
        for (int i = 0; i < 36; ++i) id[i] = "0123456789abcdef"[next() & 15];
        id[8] = id[13] = id[18] = id[23] = '-';
        row[0] = std::string(id, 36);
        row[1] = "kiosk-" + std::to_string(1 + next() % 12);
        int day = static_cast<int>(n % 365);
        int month = 1 + day / 31 % 12, dom = 1 + day % 28;
        char date[11];
        std::snprintf(date, sizeof date, "2025-%02d-%02d", month, dom);
        row[2] = std::string(date, 10);
        row[3] = kLanguages[next() % kLanguages.size()];
        row[4] = kDistricts[next() % kDistricts.size()];
        for (int i = 5; i < 8; ++i) {  // a declined answer now and then
            auto answer = next() % 11;
            row[i] = answer == 0 ? Cell{} : Cell{static_cast<std::int64_t>(answer)};
        }
        for (int i = 8; i < 10; ++i) {  // most leave the free-text questions empty
            auto pick = next() % 20;
            row[i] = pick < kFreeText.size() ? Cell{std::string(kFreeText[pick])} : Cell{};
        }
        row[10] = static_cast<double>(5000 + next() % 595000) / 1000.0;
    }

  private:
    std::uint64_t next() {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return state_;
    }
    std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
};

double peak_rss_mib() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void rows_only(benchmark::State& state) {
    std::vector<Cell> row(kColumns.size());
    for (auto _ : state) {
        Rows rows;
        for (std::int64_t n = 0; n < kRows; ++n) {
            rows.fill(row, n);
            benchmark::DoNotOptimize(row.data());
        }
    }
    state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(kRows), benchmark::Counter::kIsRate);
}

void write_export(benchmark::State& state, Format format) {
    const char* folder = std::getenv("LKP_BENCH_DIR");
    std::string path =
        std::string(folder ? folder : "/tmp") + "/lkp-bench-tables." + std::string(lkp::tables::format_name(format));
    std::vector<Cell> row(kColumns.size());
    for (auto _ : state) {
        Rows rows;
        auto writer = lkp::tables::open_writer(format, path);
        writer->begin_table("Svar", kColumns);
        for (std::int64_t n = 0; n < kRows; ++n) {
            rows.fill(row, n);
            writer->row(row);
        }
        writer->about({{"Källa", "Kioskenkäten i Helsingborg, alla svar"}});
        writer->finish();
    }
    struct stat status {};
    ::stat(path.c_str(), &status);
    state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(kRows), benchmark::Counter::kIsRate);
    state.counters["file_MB"] = static_cast<double>(status.st_size) / 1e6;
    state.counters["peak_rss_MiB"] = peak_rss_mib();
    if (!std::getenv("LKP_BENCH_KEEP")) ::unlink(path.c_str());
}

}  // namespace

BENCHMARK(rows_only)->Name("rows")->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(write_export, csv, Format::Csv)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(write_export, xlsx, Format::Xlsx)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(write_export, json, Format::Json)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

BENCHMARK_MAIN();
