// One screenshot written as PNG: the kiosk's writer (zlib level 1, unfiltered RGB) against
// stb_image_write at its fastest level with RGBA, which it replaced; on a real screen, read from a
// PNG the e2e tests wrote (Google Benchmark).
// Usage: bench_screenshot SCREEN.png [--benchmark_repetitions=5 ...]
#include <benchmark/benchmark.h>
#include <stb_image.h>
#include <stb_image_write.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "platform/png_file.h"

namespace {

int width = 0, height = 0;
std::vector<unsigned char> rgba, rgb;  // rows bottom-up, as OpenGL reads them
const std::string kOut = "/tmp/lkp-bench-screenshot.png";

void Kiosk_zlib_rgb(benchmark::State& state) {
    for (auto _ : state)
        if (!lkp::write_png_bottom_up(kOut, rgb.data(), width, height)) state.SkipWithError("write failed");
}
BENCHMARK(Kiosk_zlib_rgb)->Unit(benchmark::kMillisecond);

void Stb_level1_rgba(benchmark::State& state) {
    stbi_flip_vertically_on_write(1);
    stbi_write_png_compression_level = 1;
    for (auto _ : state)
        if (!stbi_write_png(kOut.c_str(), width, height, 4, rgba.data(), width * 4))
            state.SkipWithError("write failed");
}
BENCHMARK(Stb_level1_rgba)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s SCREEN.png (a screenshot, e.g. from build/screenshots/e2e/)\n", argv[0]);
        return 2;
    }
    int channels = 0;
    unsigned char* top_down = stbi_load(argv[1], &width, &height, &channels, 4);
    if (!top_down) {
        std::fprintf(stderr, "cannot read %s: %s\n", argv[1], stbi_failure_reason());
        return 1;
    }
    for (int y = height - 1; y >= 0; --y)
        for (int x = 0; x < width; ++x) {
            const unsigned char* p = top_down + (static_cast<std::size_t>(y) * width + x) * 4;
            rgba.insert(rgba.end(), p, p + 4);
            rgb.insert(rgb.end(), p, p + 3);
        }
    stbi_image_free(top_down);
    benchmark::RunSpecifiedBenchmarks();
    std::remove(kOut.c_str());
    return 0;
}
