#include "response.h"

#include <algorithm>

namespace lkp {

bool Response::synthetic() const { return std::find(flags.begin(), flags.end(), "synthetic") != flags.end(); }

const Json* Response::answer(const std::string& question) const {
    for (const auto& [q, v] : answers)
        if (q == question) return &v;
    return nullptr;
}

}  // namespace lkp
