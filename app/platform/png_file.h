#pragma once
// Screenshots as PNG files, written with zlib (--screenshot-dir, the e2e tests' contact sheets).
#include <string>

namespace lkp {

// Writes `width` x `height` RGB pixels, rows from the bottom up (as OpenGL reads them), to `path`
// as a PNG. False when the file cannot be written.
bool write_png_bottom_up(const std::string& path, const unsigned char* rgb, int width, int height);

}  // namespace lkp
