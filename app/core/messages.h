#pragma once
// Translations: one gettext PO file per language in locales/, listed in order in locales/LINGUAS.
// Message ids are stable keys ("q.trygghet"); the text a resident reads is the msgstr.
#include <map>
#include <string>
#include <vector>

#include "plural_rule.h"

namespace lkp {

struct Catalog {
    std::string language;     // "sv", "en", ...: the PO file's name and its Language header
    std::string native_name;  // X-Language-Name: the language named in itself
    bool rtl = false;         // X-Text-Direction: rtl
    bool reviewed = false;    // X-Native-Speaker-Reviewed: yes
    std::string file;
    std::map<std::string, std::string> texts;  // fuzzy and empty entries are left out, as gettext does
    std::map<std::string, std::vector<std::string>> plural_texts;  // msgstr[0..] of entries with msgid_plural
    PluralRule plural_rule;                                        // from the Plural-Forms header
    std::map<std::string, int> lines;                              // msgid -> line of its entry

    const std::string* find(const std::string& id) const;
};

// Parses one PO file; throws LoadError with file:line on a syntax error.
Catalog parse_po(const std::string& path, const std::string& text);
Catalog load_po(const std::string& path);

class Translations {
  public:
    // Loads every language named in DIR/LINGUAS. The first one is the source language, and
    // every message must exist there; others fall back to it for a missing text.
    static Translations load(const std::string& dir);

    const std::vector<Catalog>& languages() const { return catalogs_; }
    const Catalog* find(const std::string& language) const;
    bool has(const std::string& language) const { return find(language) != nullptr; }
    const Catalog& source() const { return catalogs_.front(); }

    // The text for `id` in `language`; the source language's text when missing there.
    std::string text(const std::string& language, const std::string& id) const;

    // The form of `id` for the number n (Plural-Forms); falls back like text().
    std::string plural_text(const std::string& language, const std::string& id, long n) const;

    // Fails with the file that lacks them if any id has no text in the source language.
    void require(const std::vector<std::string>& ids, const std::string& used_by) const;

  private:
    std::vector<Catalog> catalogs_;
};

}  // namespace lkp
