#include "bidi.h"

#include <fribidi.h>

#include <vector>

namespace lkp {

namespace {

std::vector<FriBidiChar> to_unicode(const std::string& s) {
    std::vector<FriBidiChar> u(s.size() + 1);
    FriBidiStrIndex n =
        fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, s.c_str(), static_cast<FriBidiStrIndex>(s.size()), u.data());
    u.resize(static_cast<size_t>(n));
    return u;
}

bool is_rtl_letter(FriBidiChar c) {
    return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}

}  // namespace

bool has_rtl(const std::string& utf8) {
    for (FriBidiChar c : to_unicode(utf8))
        if (is_rtl_letter(c)) return true;
    return false;
}

std::string visual_line(const std::string& logical, bool rtl_paragraph) {
    std::vector<FriBidiChar> in = to_unicode(logical);
    if (in.empty()) return {};
    std::vector<FriBidiChar> out(in.size() + 1);
    FriBidiParType base = rtl_paragraph ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    // log2vis with default flags also joins and shapes Arabic (presentation forms, lam-alef).
    if (!fribidi_log2vis(in.data(), static_cast<FriBidiStrIndex>(in.size()), &base, out.data(), nullptr, nullptr,
                         nullptr))
        return logical;
    // FriBidi leaves U+FEFF where a lam-alef ligature swallowed a letter; fonts draw it as a box.
    std::vector<FriBidiChar> kept;
    kept.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i)
        if (out[i] != 0xFEFF) kept.push_back(out[i]);
    std::string utf8(kept.size() * 4 + 1, '\0');
    FriBidiStrIndex bytes = fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8, kept.data(),
                                                       static_cast<FriBidiStrIndex>(kept.size()), utf8.data());
    utf8.resize(static_cast<size_t>(bytes));
    return utf8;
}

}  // namespace lkp
