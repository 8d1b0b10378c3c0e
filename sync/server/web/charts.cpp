#include "charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "html.h"

namespace lkp::server::web {

namespace {

// Colours with at least 3:1 against white (WCAG 1.4.11) for what carries meaning.
constexpr const char* kInk = "#1a1a1a";
constexpr const char* kBar = "#2b6a99";
constexpr const char* kBarChosen = "#123f63";
constexpr const char* kCity = "#b3261e";
constexpr const char* kGrid = "#d4d4d4";
constexpr const char* kReference = "#5c5c5c";

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string text(double x, double y, const std::string& words, const char* anchor, int size = 12,
                 const char* extra = "") {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" +
           std::to_string(size) + "\" fill=\"" + kInk + "\"" + extra + ">" + escape(words) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const char* colour, double width,
                 const char* dash = nullptr) {
    std::string s = "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
                    "\" stroke=\"" + colour + "\" stroke-width=\"" + num(width) + "\"";
    if (dash) s += std::string(" stroke-dasharray=\"") + dash + "\"";
    return s + "/>";
}

std::string open_svg(const std::string& id, double w, double h, const std::string& title, const std::string& desc) {
    return "<svg class=\"chart\" viewBox=\"0 0 " + num(w) + " " + num(h) + "\" role=\"img\" aria-labelledby=\"" + id +
           "-title " + id + "-desc\" font-family=\"'Noto Sans', 'DejaVu Sans', sans-serif\">" + "<title id=\"" + id +
           "-title\">" + escape(title) + "</title><desc id=\"" + id + "-desc\">" + escape(desc) + "</desc>";
}

double clamp_to(const Axis& a, double v) { return std::clamp(v, a.min, a.max); }

}  // namespace

std::string format_number(double value, int decimals, const std::string& language) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string s = buf;
    if (s == "-0" || s.rfind("-0.", 0) == 0) {
        bool zero = s.find_first_not_of("-0.") == std::string::npos;
        if (zero) s.erase(0, 1);
    }
    if (language != "en") std::replace(s.begin(), s.end(), '.', ',');
    if (s[0] == '-') s.replace(0, 1, "\u2212");  // a real minus sign
    return s;
}

std::string bar_chart_svg(const BarChart& c) {
    const double width = 640, label_right = 176, x0 = 184, x1 = 520, row = 24, top = 34;
    const double height = top + row * static_cast<double>(c.bars.size()) + 10;
    auto x_of = [&](double v) {
        return x0 + (clamp_to(c.axis, v) - c.axis.min) / (c.axis.max - c.axis.min) * (x1 - x0);
    };
    std::string s = open_svg(c.id, width, height, c.title, c.description);

    // Grid lines and their values along the top.
    for (double v = c.axis.min; v <= c.axis.max + 1e-9; v += c.axis.step) {
        s += line(x_of(v), top - 6, x_of(v), height - 8, kGrid, 1);
        s += text(x_of(v), top - 10, format_number(v, 0, c.language), "middle", 11);
    }
    for (std::size_t i = 0; i < c.bars.size(); ++i) {
        const Bar& b = c.bars[i];
        double y = top + row * static_cast<double>(i), mid = y + row / 2;
        s += text(label_right, mid + 4, b.label, "end", 12, b.highlighted ? " font-weight=\"700\"" : "");
        if (b.suppressed || !b.value) {
            s += text(x0 + 6, mid + 4, b.suppressed ? c.too_few_text : c.no_answers_text, "start", 12,
                      " font-style=\"italic\"");
            continue;
        }
        double xv = x_of(*b.value);
        s += "<rect x=\"" + num(x0) + "\" y=\"" + num(mid - 7) + "\" width=\"" + num(std::max(1.0, xv - x0)) +
             "\" height=\"14\" fill=\"" + (b.highlighted ? kBarChosen : kBar) + "\"/>";
        if (b.low && b.high) {
            double lo = x_of(*b.low), hi = x_of(*b.high);
            s += line(lo, mid, hi, mid, kInk, 1.5) + line(lo, mid - 5, lo, mid + 5, kInk, 1.5) +
                 line(hi, mid - 5, hi, mid + 5, kInk, 1.5);
        }
        std::string right = format_number(*b.value, c.decimals, c.language);
        if (b.n) right += "  n=" + std::to_string(*b.n);
        s += text(x1 + 8, mid + 4, right, "start", 11);
    }
    if (c.city) {
        double xc = x_of(*c.city);
        s += line(xc, top - 2, xc, height - 8, kCity, 2, "6 4");
        std::string label = c.city_label + " " + format_number(*c.city, c.decimals, c.language);
        // The label on the side with room, so it never runs off the chart.
        bool left = xc > (x0 + x1) / 2;
        s += "<text x=\"" + num(left ? xc - 4 : xc + 4) + "\" y=\"" + num(height - 1) + "\" text-anchor=\"" +
             (left ? "end" : "start") + "\" font-size=\"11\" fill=\"" + kCity + "\">" + escape(label) + "</text>";
    }
    return s + "</svg>";
}

std::string trend_chart_svg(const TrendChart& c) {
    // The legend below the plot, one series per line, so a long name never runs into another.
    const double width = 640, x0 = 48, x1 = 596, top = 16, bottom = 216;  // room for the last period's label
    const double height = bottom + 34 + 20 * static_cast<double>(c.series.size());
    std::size_t n = c.periods.size();
    auto x_of = [&](std::size_t i) {
        return n <= 1 ? (x0 + x1) / 2 : x0 + (x1 - x0) * static_cast<double>(i) / static_cast<double>(n - 1);
    };
    auto y_of = [&](double v) {
        return bottom - (clamp_to(c.axis, v) - c.axis.min) / (c.axis.max - c.axis.min) * (bottom - top);
    };
    std::string s = open_svg(c.id, width, height, c.title, c.description);
    for (double v = c.axis.min; v <= c.axis.max + 1e-9; v += c.axis.step) {
        s += line(x0, y_of(v), x1, y_of(v), kGrid, 1);
        s += text(x0 - 6, y_of(v) + 4, format_number(v, 0, c.language), "end", 11);
    }
    // At most about eight period labels, so they never collide.
    std::size_t every = std::max<std::size_t>(1, (n + 7) / 8);
    for (std::size_t i = 0; i < n; i += every) s += text(x_of(i), bottom + 16, c.periods[i], "middle", 11);

    double legend_y = bottom + 38;
    for (const TrendSeries& series : c.series) {
        const char* colour = series.style == TrendSeries::Style::City       ? kBar
                             : series.style == TrendSeries::Style::District ? kCity
                                                                            : kReference;
        const char* dash = series.style == TrendSeries::Style::City       ? nullptr
                           : series.style == TrendSeries::Style::District ? "7 4"
                                                                          : "2 3";
        auto marker = [&](double x, double y) {
            if (series.style == TrendSeries::Style::City)
                return "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"4\" fill=\"" + colour + "\"/>";
            if (series.style == TrendSeries::Style::District)
                return "<rect x=\"" + num(x - 4) + "\" y=\"" + num(y - 4) + "\" width=\"8\" height=\"8\" fill=\"" +
                       colour + "\"/>";
            return "<path d=\"M" + num(x) + " " + num(y - 5) + "l5 5l-5 5l-5 -5z\" fill=\"" + colour + "\"/>";
        };
        // The line is broken where a period has no published figure.
        std::string path;
        bool pen_down = false;
        for (std::size_t i = 0; i < series.points.size() && i < n; ++i) {
            const TrendPoint& p = series.points[i];
            if (!p.value || p.suppressed) {
                pen_down = false;
                continue;
            }
            path += (pen_down ? "L" : "M") + num(x_of(i)) + " " + num(y_of(*p.value));
            pen_down = true;
        }
        if (!path.empty()) {
            s += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"";
            if (dash) s += std::string(" stroke-dasharray=\"") + dash + "\"";
            s += "/>";
        }
        for (std::size_t i = 0; i < series.points.size() && i < n; ++i) {
            const TrendPoint& p = series.points[i];
            if (!p.value || p.suppressed) continue;
            if (p.low && p.high) s += line(x_of(i), y_of(*p.low), x_of(i), y_of(*p.high), colour, 1.2);
            s += marker(x_of(i), y_of(*p.value));
        }
        // Legend: the line style and marker beside the series' name.
        s += line(x0, legend_y, x0 + 28, legend_y, colour, 2, dash) + marker(x0 + 14, legend_y);
        s += text(x0 + 36, legend_y + 4, series.name, "start", 12);
        legend_y += 20;
    }
    return s + "</svg>";
}

}  // namespace lkp::server::web
