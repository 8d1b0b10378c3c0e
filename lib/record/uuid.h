#pragma once
// Response ids: random UUIDs (version 4), written in lowercase.
#include <string>
#include <string_view>

namespace lkp {

std::string new_uuid_v4();  // throws std::runtime_error when the kernel gives no randomness
bool is_uuid(std::string_view s);

}  // namespace lkp
