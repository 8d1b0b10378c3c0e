#pragma once
// A problem in a file a person wrote (config, survey, district list, translation).
// The message always names the file, and the line where one is known, so staff can fix it.
#include <stdexcept>
#include <string>

namespace lkp {

class LoadError : public std::runtime_error {
  public:
    LoadError(const std::string& file, int line, const std::string& what)
        : std::runtime_error(format(file, line, what)) {}

  private:
    static std::string format(const std::string& file, int line, const std::string& what) {
        std::string s = file;
        if (line > 0) s.append(":").append(std::to_string(line));
        return s.append(": ").append(what);
    }
};

// Reads a whole file; throws LoadError naming the file when it cannot.
std::string read_text_file(const std::string& path);

}  // namespace lkp
