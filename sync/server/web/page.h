#pragma once
// The frame every page of lkp-store's site shares: language, heading, navigation (the staff pages
// only for a logged-in member of staff), a link to the same page in the other language, and the
// footer. Texts come from locales/store/*.po.
#include <optional>
#include <string>

#include "core/messages.h"
#include "html.h"

namespace lkp::server::web {

// Who is looking: nobody (the public), or a logged-in member of staff.
struct Viewer {
    std::string name;
    bool admin = false;
    std::string csrf;  // the session's token, for the forms on the page
};

// The texts of one page in one language.
class PageText {
  public:
    PageText(const Translations& translations, std::string language)
        : translations_(translations), language_(std::move(language)) {}
    const std::string& language() const { return language_; }
    std::string operator()(const std::string& id) const { return translations_.text(language_, id); }
    // The text with each "%s" replaced by the next argument, and "%%" by "%".
    std::string fill(const std::string& id, const std::vector<std::string>& args) const;
    const Translations& translations() const { return translations_; }

  private:
    const Translations& translations_;
    std::string language_;
};

// The language of a page: ?lang= when it names one of ours, else the first of the browser's
// Accept-Language that we have, else the source language (Swedish).
std::string page_language(const Translations& translations, const http::RequestHead& head);

struct PageFrame {
    std::string title;   // <title> and the page's <h1>
    std::string active;  // the navigation entry of this page: "results", "kiosks", ...
    std::string path;    // this page, for the language link
    Query query;         // this page's choices, kept by the language link
    std::optional<Viewer> viewer;
};
std::string page_html(const PageText& text, const PageFrame& frame, const std::string& main_html);

// A page saying what was wrong with the request, with a way back.
http::Reply error_page(const PageText& text, int status, const std::string& message, std::optional<Viewer> viewer);

}  // namespace lkp::server::web
