#pragma once
// PLACEHOLDER until the helper's version is merged.
#include <string>
#include <string_view>
namespace lkp::sync {
std::string for_terminal(std::string_view s, std::size_t max_bytes);
}
