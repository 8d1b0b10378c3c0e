#pragma once
// gettext's Plural-Forms ("nplurals=3; plural=(n==1 ? 0 : ...);"): which msgstr[i] a number takes.
#include <string>

namespace lkp {

class PluralRule {
  public:
    PluralRule() = default;  // nplurals=2; plural=(n != 1), gettext's default
    // Throws std::invalid_argument naming what is wrong with the header value.
    static PluralRule parse(const std::string& header_value);

    int count() const { return nplurals_; }
    int index(long n) const;  // always within 0..count()-1

  private:
    int nplurals_ = 2;
    std::string expression_ = "n != 1";
};

}  // namespace lkp
