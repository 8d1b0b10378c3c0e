#pragma once
// The results page's charts as inline SVG: a bar per district with its 95 % interval, and a trend
// per quarter. Each has a title and a description for screen readers, and the page puts a table
// of the same figures beside it. Colour is never the only difference: the city is a dashed line
// with its name written on it, series differ in line style and marker as well as colour, and a
// suppressed district says so in words instead of a bar.
#include <optional>
#include <string>
#include <vector>

namespace lkp::server::web {

// "42,1" (Swedish) or "42.1" (English), with `decimals` digits.
std::string format_number(double value, int decimals, const std::string& language);

struct Axis {
    double min = 0, max = 100;
    double step = 25;  // between grid lines
};

struct Bar {
    std::string label;
    std::optional<double> value, low, high;  // low/high: the 95 % interval
    std::optional<long long> n;
    bool suppressed = false;   // too few answers: words, never a bar of zero
    bool highlighted = false;  // the district the reader chose
};

struct BarChart {
    std::string id;  // unique on the page, for aria references
    std::string title, description;
    std::string language;
    Axis axis;
    int decimals = 1;
    std::vector<Bar> bars;
    std::optional<double> city;   // drawn as a dashed line across the bars
    std::string city_label;       // e.g. "Hela staden"
    std::string too_few_text;     // e.g. "för få svar"
    std::string no_answers_text;  // e.g. "inga svar"
};
std::string bar_chart_svg(const BarChart& chart);

struct TrendPoint {
    std::optional<double> value, low, high;
    bool suppressed = false;
};
struct TrendSeries {
    enum class Style { City, District, Reference };
    std::string name;
    Style style = Style::City;
    std::vector<TrendPoint> points;  // one per period of the chart, in order
};
struct TrendChart {
    std::string id;
    std::string title, description;
    std::string language;
    Axis axis;
    int decimals = 1;
    std::vector<std::string> periods;  // x-axis labels, e.g. "2026 K1"
    std::vector<TrendSeries> series;
};
std::string trend_chart_svg(const TrendChart& chart);

}  // namespace lkp::server::web
