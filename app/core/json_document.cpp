#include "json_document.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace lkp {

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LoadError(path, 0, "cannot open file");
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw LoadError(path, 0, "cannot read file");
    return s.str();
}

namespace {

int line_at_offset(const std::string& text, size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// A minimal scanner over already-valid JSON text: it only needs to find where values start.
class Scanner {
  public:
    explicit Scanner(const std::string& t) : t_(t) {}
    size_t pos = 0;

    void ws() {
        while (pos < t_.size() && (t_[pos] == ' ' || t_[pos] == '\n' || t_[pos] == '\r' || t_[pos] == '\t')) ++pos;
    }
    std::string string() {  // at '"'; returns the raw (still escaped) content
        size_t start = ++pos;
        while (pos < t_.size() && t_[pos] != '"') pos += (t_[pos] == '\\') ? 2 : 1;
        std::string s = t_.substr(start, pos - start);
        ++pos;
        return s;
    }
    void skip_value() {
        ws();
        if (pos >= t_.size()) return;
        char c = t_[pos];
        if (c == '"') {
            string();
            return;
        }
        if (c == '{' || c == '[') {
            char close = (c == '{') ? '}' : ']';
            ++pos;
            ws();
            if (pos < t_.size() && t_[pos] == close) {
                ++pos;
                return;
            }
            while (pos < t_.size()) {
                if (c == '{') {
                    ws();
                    string();
                    ws();
                    ++pos; /* ':' */
                }
                skip_value();
                ws();
                if (pos < t_.size() && t_[pos] == ',') {
                    ++pos;
                    continue;
                }
                ++pos;  // close
                return;
            }
            return;
        }
        while (pos < t_.size() && std::string_view(",}] \n\r\t").find(t_[pos]) == std::string_view::npos) ++pos;
    }
    // Moves to the start of member `key` (object) or element `index` (array). False if absent.
    bool enter(const std::string& token) {
        ws();
        if (pos >= t_.size()) return false;
        if (t_[pos] == '{') {
            ++pos;
            while (true) {
                ws();
                if (pos >= t_.size() || t_[pos] != '"') return false;
                std::string k = string();
                ws();
                ++pos;  // ':'
                ws();
                if (k == token) return true;
                skip_value();
                ws();
                if (pos < t_.size() && t_[pos] == ',') {
                    ++pos;
                    continue;
                }
                return false;
            }
        }
        if (t_[pos] == '[') {
            size_t index = 0;
            try {
                index = std::stoul(token);
            } catch (...) {
                return false;
            }
            ++pos;
            for (size_t i = 0; i < index; ++i) {
                skip_value();
                ws();
                if (pos >= t_.size() || t_[pos] != ',') return false;
                ++pos;
            }
            ws();
            return pos < t_.size() && t_[pos] != ']';
        }
        return false;
    }

  private:
    const std::string& t_;
};

}  // namespace

JsonDocument JsonDocument::load(const std::string& path) { return parse(path, read_text_file(path)); }

JsonDocument JsonDocument::parse(std::string path, std::string text) {
    JsonDocument d;
    d.path_ = std::move(path);
    d.text_ = std::move(text);
    try {
        d.root_ = Json::parse(d.text_);
    } catch (const Json::parse_error& e) {
        // nlohmann reports "... at line L, column C: ..."; keep its detail but lead with file:line.
        std::string msg = e.what();
        auto colon = msg.find(": ", msg.find("column"));
        throw LoadError(d.path_, line_at_offset(d.text_, e.byte > 0 ? e.byte - 1 : 0),
                        "not valid JSON: " + (colon == std::string::npos ? msg : msg.substr(colon + 2)));
    }
    return d;
}

int JsonDocument::line_of(const JsonPointer& at) const {
    Scanner s(text_);
    std::string ptr = at.to_string();
    size_t found = 0;
    s.ws();
    found = s.pos;
    size_t i = 0;
    while (i < ptr.size()) {
        size_t next = ptr.find('/', i + 1);
        std::string token = ptr.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1);
        if (!s.enter(token)) break;
        found = s.pos;
        if (next == std::string::npos) break;
        i = next;
    }
    return line_at_offset(text_, found);
}

void JsonDocument::fail(const JsonPointer& at, const std::string& what) const {
    std::string where = at.to_string();
    throw LoadError(path_, line_of(at), (where.empty() ? "" : where + ": ") + what);
}

const Json& JsonDocument::member(const JsonPointer& obj, const std::string& key) const {
    const Json& o = root_.at(obj);
    if (!o.is_object()) fail(obj, "expected an object");
    auto it = o.find(key);
    if (it == o.end()) fail(obj, "missing field \"" + key + "\"");
    return *it;
}

std::string JsonDocument::string_at(const JsonPointer& obj, const std::string& key) const {
    const Json& v = member(obj, key);
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) fail(obj / key, "expected a non-empty text");
    return v.get<std::string>();
}

long long JsonDocument::int_at(const JsonPointer& obj, const std::string& key) const {
    const Json& v = member(obj, key);
    if (!v.is_number_integer()) fail(obj / key, "expected a whole number");
    return v.get<long long>();
}

const Json& JsonDocument::array_at(const JsonPointer& obj, const std::string& key) const {
    const Json& v = member(obj, key);
    if (!v.is_array()) fail(obj / key, "expected a list");
    return v;
}

const Json& JsonDocument::object_at(const JsonPointer& obj, const std::string& key) const {
    const Json& v = member(obj, key);
    if (!v.is_object()) fail(obj / key, "expected an object");
    return v;
}

}  // namespace lkp
