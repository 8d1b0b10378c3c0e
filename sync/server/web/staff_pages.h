#pragma once
// The pages behind the staff login, one function per page, each given what it shows. The site
// (site.cpp) checks the session and the CSRF token before any of them is called.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "page.h"
#include "server/fleet_health.h"
#include "server/store_backend.h"

namespace lkp::server::web {

// The login form. `form_token` ties the form to the browser (the same value is in a cookie);
// `message` says why the last try failed.
std::string login_html(const PageText& t, const std::string& form_token, const std::string& name,
                       const std::string& message);

// The kiosks: those that need someone first, each with its last heartbeat, answers and sessions
// per day over the last `days`, where residents stopped, and why answers were rejected.
inline constexpr int kKioskPageDays = 14;
std::string kiosks_html(const PageText& t, std::vector<KioskHealth> fleet, const FleetThresholds& thresholds,
                        std::chrono::system_clock::time_point now);

// The exports: two forms whose GET downloads /staff/exports/indicators and /responses.
std::string exports_html(const PageText& t, const sync::SurveyCatalog& catalog);

// Kiosk tokens (admins): the kiosks with a form to revoke each, a form to add one, and a token
// just made, shown this once.
std::string tokens_html(const PageText& t, const Viewer& viewer, const std::vector<KioskInfo>& kiosks,
                        const std::optional<std::pair<std::string, std::string>>& new_token,
                        const std::string& message);

}  // namespace lkp::server::web
