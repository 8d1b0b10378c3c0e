#include "plural_rule.h"

#include <cctype>
#include <stdexcept>

namespace lkp {

namespace {

// Recursive descent over the C subset gettext allows: n, integers, ! * / % + - < > <= >= == !=
// && || ?: and parentheses.
class Evaluator {
  public:
    Evaluator(const std::string& s, long n) : s_(s), n_(n) {}

    long run() {
        long v = ternary();
        skip();
        if (p_ != s_.size()) fail("unexpected \"" + s_.substr(p_) + "\"");
        return v;
    }

  private:
    [[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("plural expression: " + what); }
    void skip() {
        while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
    }
    bool eat(const char* op) {
        skip();
        size_t len = std::char_traits<char>::length(op);
        if (s_.compare(p_, len, op) != 0) return false;
        // "<" must not match the start of "<=", nor "!" the start of "!=".
        if (len == 1 && p_ + 1 < s_.size() && s_[p_ + 1] == '=' && std::string("<>!=").find(op[0]) != std::string::npos)
            return false;
        p_ += len;
        return true;
    }
    long ternary() {
        long c = logical_or();
        if (!eat("?")) return c;
        long a = ternary();
        if (!eat(":")) fail("\"?\" without \":\"");
        long b = ternary();
        return c ? a : b;
    }
    long logical_or() {
        long v = logical_and();
        while (eat("||")) v = logical_and() || v;
        return v;
    }
    long logical_and() {
        long v = equality();
        while (eat("&&")) v = equality() && v;
        return v;
    }
    long equality() {
        long v = relation();
        for (;;) {
            if (eat("=="))
                v = v == relation();
            else if (eat("!="))
                v = v != relation();
            else
                return v;
        }
    }
    long relation() {
        long v = additive();
        for (;;) {
            if (eat("<="))
                v = v <= additive();
            else if (eat(">="))
                v = v >= additive();
            else if (eat("<"))
                v = v < additive();
            else if (eat(">"))
                v = v > additive();
            else
                return v;
        }
    }
    long additive() {
        long v = multiplicative();
        for (;;) {
            if (eat("+"))
                v += multiplicative();
            else if (eat("-"))
                v -= multiplicative();
            else
                return v;
        }
    }
    long multiplicative() {
        long v = unary();
        for (;;) {
            if (eat("*"))
                v *= unary();
            else if (eat("/") || eat("%")) {
                bool mod = s_[p_ - 1] == '%';
                long d = unary();
                if (d == 0) fail("division by zero");
                v = mod ? v % d : v / d;
            } else
                return v;
        }
    }
    long unary() {
        if (eat("!")) return !unary();
        skip();
        if (p_ < s_.size() && s_[p_] == 'n') {
            ++p_;
            return n_;
        }
        if (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) {
            long v = 0;
            while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) v = v * 10 + (s_[p_++] - '0');
            return v;
        }
        if (eat("(")) {
            long v = ternary();
            if (!eat(")")) fail("missing \")\"");
            return v;
        }
        fail(p_ < s_.size() ? "unexpected \"" + s_.substr(p_) + "\"" : "expression ends too early");
    }

    const std::string& s_;
    long n_;
    size_t p_ = 0;
};

std::string field(const std::string& v, const std::string& name) {
    auto at = v.find(name + "=");
    if (at == std::string::npos) throw std::invalid_argument("Plural-Forms has no \"" + name + "=\"");
    auto start = at + name.size() + 1;
    auto end = v.find(';', start);
    return v.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

PluralRule PluralRule::parse(const std::string& value) {
    PluralRule r;
    try {
        r.nplurals_ = std::stoi(field(value, "nplurals"));
    } catch (const std::logic_error&) {
        throw std::invalid_argument("Plural-Forms: nplurals is not a number");
    }
    if (r.nplurals_ < 1 || r.nplurals_ > 6) throw std::invalid_argument("Plural-Forms: nplurals must be 1 to 6");
    r.expression_ = field(value, "plural");
    for (long n :
         {0L, 1L, 2L, 3L, 5L, 11L, 21L, 22L, 25L, 101L, 111L}) {  // catches bad syntax and out-of-range results now
        long i = Evaluator(r.expression_, n).run();
        if (i < 0 || i >= r.nplurals_)
            throw std::invalid_argument("Plural-Forms: plural gives " + std::to_string(i) + " for n=" +
                                        std::to_string(n) + ", outside 0.." + std::to_string(r.nplurals_ - 1));
    }
    return r;
}

int PluralRule::index(long n) const {
    long i = Evaluator(expression_, n).run();
    return (i >= 0 && i < nplurals_) ? static_cast<int>(i) : 0;
}

}  // namespace lkp
