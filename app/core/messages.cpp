#include "messages.h"

#include <algorithm>
#include <sstream>

#include "load_error.h"

namespace lkp {

const std::string* Catalog::find(const std::string& id) const {
    auto it = texts.find(id);
    return it == texts.end() ? nullptr : &it->second;
}

namespace {

// Unquotes one PO string literal ("..." with C escapes).
bool unquote(const std::string& s, std::string& out) {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
        char c = s[i];
        if (c == '"') return false;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i + 1 > s.size() - 1) return false;
        switch (s[i]) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            default:
                return false;
        }
    }
    return true;
}

std::string header_field(const std::string& header, const std::string& name) {
    std::istringstream in(header);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(name + ":", 0) == 0) {
            std::string v = line.substr(name.size() + 1);
            size_t b = v.find_first_not_of(' ');
            return b == std::string::npos ? "" : v.substr(b);
        }
    }
    return {};
}

}  // namespace

Catalog parse_po(const std::string& path, const std::string& text) {
    Catalog cat;
    cat.file = path;
    std::string header;

    struct Entry {
        std::string id, str;
        std::vector<std::string> forms;  // msgstr[i]
        bool fuzzy = false, has_id = false, plural = false;
        int line = 0;
    } e;
    std::string* target = nullptr;  // the string continuation lines append to
    std::string ignored;

    auto flush = [&]() {
        if (!e.has_id) return;
        if (e.plural && !e.forms.empty()) e.str = e.forms[0];
        bool complete = !e.str.empty() &&
                        std::none_of(e.forms.begin(), e.forms.end(), [](const std::string& f) { return f.empty(); });
        if (e.id.empty()) {
            header = e.str;
        } else if (!e.fuzzy && complete) {
            cat.texts[e.id] = e.str;
            cat.lines[e.id] = e.line;
            if (e.plural) cat.plural_texts[e.id] = e.forms;
        }
        e = Entry{};
        target = nullptr;
    };

    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            flush();
            continue;
        }
        if (line.rfind("#,", 0) == 0) {
            if (e.has_id) flush();
            if (line.find("fuzzy") != std::string::npos) e.fuzzy = true;
            continue;
        }
        if (line[0] == '#') continue;
        auto keyword_end = line.find(' ');
        std::string keyword = line.substr(0, keyword_end);
        std::string rest = keyword_end == std::string::npos ? "" : line.substr(keyword_end + 1);
        if (keyword[0] == '"') {
            rest = line;
            keyword.clear();
        }
        if (keyword == "msgctxt" || keyword == "msgid") {
            if (e.has_id && target != &e.id) flush();  // a new entry begins
            if (keyword == "msgctxt")
                throw LoadError(path, n, "msgctxt is not used by LKP Kiosk; put the context in the message id");
            e.has_id = true;
            e.line = n;
            target = &e.id;
        } else if (keyword == "msgstr") {
            if (!e.has_id) throw LoadError(path, n, "msgstr without a msgid before it");
            if (e.plural) throw LoadError(path, n, "an entry with msgid_plural needs msgstr[0], msgstr[1], ...");
            target = &e.str;
        } else if (keyword == "msgid_plural") {
            e.plural = true;
            target = &ignored;  // the key is msgid; msgid_plural only tells tools this entry has forms
            ignored.clear();
        } else if (keyword.rfind("msgstr[", 0) == 0) {
            if (!e.plural) throw LoadError(path, n, keyword + " without msgid_plural");
            if (keyword != "msgstr[" + std::to_string(e.forms.size()) + "]")
                throw LoadError(path, n, "expected msgstr[" + std::to_string(e.forms.size()) + "], got " + keyword);
            e.forms.emplace_back();
            target = &e.forms.back();
        } else if (!keyword.empty()) {
            throw LoadError(path, n, "unexpected \"" + keyword + "\" (expected msgid, msgstr or a quoted string)");
        }
        if (!target) throw LoadError(path, n, "a quoted string outside any entry");
        if (!unquote(rest, *target)) throw LoadError(path, n, "malformed string " + rest);
    }
    flush();

    cat.language = header_field(header, "Language");
    cat.native_name = header_field(header, "X-Language-Name");
    cat.rtl = header_field(header, "X-Text-Direction") == "rtl";
    cat.reviewed = header_field(header, "X-Native-Speaker-Reviewed") == "yes";
    if (cat.language.empty()) throw LoadError(path, 1, "the header has no \"Language:\" field");
    try {
        std::string rule = header_field(header, "Plural-Forms");
        if (!rule.empty()) cat.plural_rule = PluralRule::parse(rule);
    } catch (const std::invalid_argument& err) {
        throw LoadError(path, 1, err.what());
    }
    for (const auto& [id, forms] : cat.plural_texts)
        if (static_cast<int>(forms.size()) != cat.plural_rule.count())
            throw LoadError(path, cat.lines[id],
                            id + " has " + std::to_string(forms.size()) + " plural forms; Plural-Forms says " +
                                std::to_string(cat.plural_rule.count()));
    if (cat.native_name.empty()) throw LoadError(path, 1, "the header has no \"X-Language-Name:\" field");
    return cat;
}

Catalog load_po(const std::string& path) { return parse_po(path, read_text_file(path)); }

Translations Translations::load(const std::string& dir) {
    Translations t;
    std::string linguas_path = dir + "/LINGUAS";
    std::istringstream in(read_text_file(linguas_path));
    std::string word;
    int line_no = 0;
    std::string line;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        while (words >> word) {
            Catalog c = load_po(dir + "/" + word + ".po");
            if (c.language != word)
                throw LoadError(c.file, 1,
                                "Language header says \"" + c.language + "\" but the file is named " + word + ".po");
            if (t.has(word)) throw LoadError(linguas_path, line_no, word + " is listed twice");
            t.catalogs_.push_back(std::move(c));
        }
    }
    if (t.catalogs_.empty()) throw LoadError(linguas_path, 0, "lists no languages");
    return t;
}

const Catalog* Translations::find(const std::string& language) const {
    for (const auto& c : catalogs_)
        if (c.language == language) return &c;
    return nullptr;
}

std::string Translations::text(const std::string& language, const std::string& id) const {
    if (const Catalog* c = find(language))
        if (const std::string* s = c->find(id)) return *s;
    if (const std::string* s = source().find(id)) return *s;
    return id;  // require() at start-up makes this unreachable for known ids
}

std::string Translations::plural_text(const std::string& language, const std::string& id, long n) const {
    for (const Catalog* c : {find(language), &source()}) {
        if (!c) continue;
        auto it = c->plural_texts.find(id);
        if (it != c->plural_texts.end()) return it->second[static_cast<size_t>(c->plural_rule.index(n))];
        if (const std::string* s = c->find(id)) return *s;
    }
    return id;
}

void Translations::require(const std::vector<std::string>& ids, const std::string& used_by) const {
    std::string missing;
    for (const auto& id : ids)
        if (!source().find(id)) missing += (missing.empty() ? "" : ", ") + id;
    if (!missing.empty()) throw LoadError(source().file, 0, "no text for " + missing + " (used by " + used_by + ")");
}

}  // namespace lkp
