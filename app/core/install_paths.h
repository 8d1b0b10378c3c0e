#pragma once
// Where a program finds the data it was built with (survey, district list, translations, web
// assets) when no config or option names them. Installed, the data lies beside the program: the
// packages put /usr/bin/lkp-kiosk and /usr/share/lkp-kiosk/assets together, so the place is found
// from the program's own path (<prefix>/bin/.. /share/<package>/<what>), wherever it was installed.
// Run from a build folder there is no such folder beside it, and the checkout the build was made
// from is used. So one build serves the tests and the packages alike.
#include <string>

namespace lkp {

// `what` is "assets" or "locales"; `source_tree` the checkout's folder compiled in.
std::string built_in_folder(const std::string& package, const std::string& what, const std::string& source_tree);

}  // namespace lkp
