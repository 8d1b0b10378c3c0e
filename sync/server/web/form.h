#pragma once
// A posted HTML form (application/x-www-form-urlencoded): name -> value, percent-decoded, '+' as
// a space. The body is already bounded by the route's body limit.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lkp::server::web {

class Form {
  public:
    // nullopt when the body is not a well-formed form (a bad %xx, a name given twice).
    static std::optional<Form> parse(std::string_view body);
    std::string value(const std::string& name) const;  // "" when absent
    bool has(const std::string& name) const { return fields_.count(name) > 0; }

  private:
    std::map<std::string, std::string> fields_;
};

}  // namespace lkp::server::web
