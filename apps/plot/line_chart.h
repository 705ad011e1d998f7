#pragma once
// Line charts as PNG files (cairo): series drawn as lines, each with an optional min-max
// band, axes with tick labels and titles, and a legend. `torchplay plot` draws learning
// curves with it.
#include <string>
#include <vector>

#include "core/png_image.h"

namespace tp::plot {

struct Series {
  std::string label;
  std::vector<double> x, y;       // the line (NaN y: a gap)
  std::vector<double> low, high;  // the band, same length as x; empty: no band
};

struct LineChart {
  std::string title, x_label, y_label;
  int width = 900, height = 540;  // pixels
  std::vector<Series> series;
};

// The colour of series i: red, green, blue in [0, 1] (a ten-colour palette, then again).
struct Colour {
  double r, g, b;
};
Colour series_colour(size_t i);

// `chart` as an RGB picture on white (the live view of `train --show` shows it). A tp::Error
// when there is nothing to draw (no finite point).
Image render_line_chart(const LineChart& chart);
// The same written to `path` as a PNG (atomically); a tp::Error when it cannot be written.
void write_line_chart_png(const LineChart& chart, const std::string& path);

}  // namespace tp::plot
