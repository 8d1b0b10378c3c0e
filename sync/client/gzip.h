#pragma once
// Request bodies go gzip'ed (Content-Encoding: gzip): answers' JSON shrinks about ten times.
#include <string>

namespace lkp::sync {

std::string gzip(const std::string& data);  // throws std::runtime_error if zlib fails

}  // namespace lkp::sync
