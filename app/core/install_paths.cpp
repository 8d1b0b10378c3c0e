#include "install_paths.h"

#include <filesystem>
#include <system_error>

namespace lkp {

std::string built_in_folder(const std::string& package, const std::string& what, const std::string& source_tree) {
    std::error_code ec;
    std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        std::filesystem::path installed = program.parent_path().parent_path() / "share" / package / what;
        if (std::filesystem::is_directory(installed, ec)) return installed.string();
    }
    return source_tree;
}

}  // namespace lkp
