#pragma once
// A JSON file kept together with its text, so a validation error deep inside it can be
// reported as file:line instead of just "invalid survey".
#include <nlohmann/json.hpp>
#include <string>

#include "load_error.h"

namespace lkp {

using Json = nlohmann::json;
using JsonPointer = nlohmann::json::json_pointer;

class JsonDocument {
  public:
    static JsonDocument load(const std::string& path);  // reads and parses, or throws
    static JsonDocument parse(std::string path, std::string text);

    const Json& root() const { return root_; }
    const std::string& path() const { return path_; }

    // Line (1-based) where the value at `at` starts; falls back to the closest parent found.
    int line_of(const JsonPointer& at) const;
    [[noreturn]] void fail(const JsonPointer& at, const std::string& what) const;

    // Typed accessors that fail with file:line when the field is missing or of the wrong type.
    const Json& member(const JsonPointer& obj, const std::string& key) const;
    std::string string_at(const JsonPointer& obj, const std::string& key) const;
    long long int_at(const JsonPointer& obj, const std::string& key) const;
    const Json& array_at(const JsonPointer& obj, const std::string& key) const;
    const Json& object_at(const JsonPointer& obj, const std::string& key) const;

  private:
    std::string path_;
    std::string text_;
    Json root_;
};

}  // namespace lkp
