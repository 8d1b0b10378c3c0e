# Read by cpack (CPACK_PROJECT_CONFIG_FILE) in a build without LKP_PACKAGING: its programs look for
# their survey and translations in the source tree, which no installed machine has.
message(FATAL_ERROR "this build folder was configured without -DLKP_PACKAGING=ON: its programs would look for "
                    "their data in the source tree, not in /usr/share. Configure a packaging build:\n"
                    "  cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLKP_PACKAGING=ON "
                    "-DLKP_BUILD_TESTS=OFF -DLKP_BUILD_BENCH=OFF\n"
                    "  cmake --build build-deb --target lkp-kiosk lkp-store && (cd build-deb && cpack -G DEB)")
