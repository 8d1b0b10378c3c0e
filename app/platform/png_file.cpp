#include "png_file.h"

#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "core/atomic_file.h"

namespace lkp {

namespace {

void put_u32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

// A chunk: its length, type and data, and the CRC of type and data.
void put_chunk(std::string& out, const char* type, std::string_view data) {
    put_u32(out, static_cast<uint32_t>(data.size()));
    std::size_t start = out.size();
    out.append(type, 4);
    out.append(data);
    uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start));
    put_u32(out, static_cast<uint32_t>(crc));
}

}  // namespace

// Rows unfiltered and zlib at level 1: stb_image_write, which tries five filters per row with a
// deflate of its own, took 113 ms for a 1280x800 screen at its fastest level; this takes 10 ms
// and the file is smaller (bench/screenshot_bench.cpp, docs/performance.md).
bool write_png_bottom_up(const std::string& path, const unsigned char* rgb, int width, int height) {
    if (width <= 0 || height <= 0) return false;
    const std::size_t row = static_cast<std::size_t>(width) * 3;
    std::vector<unsigned char> raw;
    raw.reserve((row + 1) * static_cast<std::size_t>(height));
    for (int y = height - 1; y >= 0; --y) {
        raw.push_back(0);  // filter: none
        const unsigned char* from = rgb + static_cast<std::size_t>(y) * row;
        raw.insert(raw.end(), from, from + row);
    }
    uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
    std::vector<unsigned char> packed(packed_size);
    if (compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), 1) != Z_OK) return false;
    packed.resize(packed_size);

    std::string header;
    put_u32(header, static_cast<uint32_t>(width));
    put_u32(header, static_cast<uint32_t>(height));
    header.append({8, 2, 0, 0, 0});  // 8 bits, RGB, deflate, no filtering method, no interlace
    std::string png = "\x89PNG\r\n\x1a\n";
    put_chunk(png, "IHDR", header);
    put_chunk(png, "IDAT", {reinterpret_cast<const char*>(packed.data()), packed.size()});
    put_chunk(png, "IEND", {});
    try {
        // Whole or not at all, for a test that waits for the file; not fsync'ed: a picture.
        write_file_atomically(path, png, /*durable=*/false);
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

}  // namespace lkp
