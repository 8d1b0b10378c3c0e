#pragma once
#include <string>

namespace lkp {

// Writes `content` to a temporary file beside `path`, fsyncs it and renames it over `path`:
// readers see the old file or the new one, never half of one. Throws std::runtime_error
// naming the path and the system's reason (for example "No space left on device").
void write_file_atomically(const std::string& path, const std::string& content, bool durable = true);

}  // namespace lkp
