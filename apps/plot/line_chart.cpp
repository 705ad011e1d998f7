#include "apps/plot/line_chart.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "core/error.h"

namespace tp::plot {

namespace {

// Tableau's ten colours (matplotlib's default cycle).
constexpr Colour kPalette[] = {{0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
                               {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50},
                               {0.74, 0.74, 0.13}, {0.09, 0.75, 0.81}};

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

// "Nice" tick spacing: 1, 2 or 5 times a power of ten, about `target` ticks over the range.
double tick_step(double span, int target) {
  const double raw = span / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

std::string tick_label(double v, double step) {
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 1e6 && step >= 1e5 && a < 1e12) {
    std::snprintf(buf, sizeof buf, "%gM", v / 1e6);  // 2000000 -> 2M
  } else if (a != 0 && (a >= 1e6 || a < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else if (a >= 1e4 && step >= 1000) {
    std::snprintf(buf, sizeof buf, "%gk", v / 1000);  // 80000 -> 80k
  } else {
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  return buf;
}

// Widens a range to whole ticks; a single value gets a unit around it.
void pad(Range& r) {
  if (r.hi - r.lo < 1e-12) {
    const double d = std::max(1.0, std::fabs(r.lo) * 0.1);
    r.lo -= d;
    r.hi += d;
  }
}

}  // namespace

Colour series_colour(size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

void write_line_chart_png(const LineChart& chart, const std::string& path) {
  Range xr, yr;
  for (const Series& s : chart.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      xr.add(s.x[i]);
      yr.add(s.y[i]);
      if (!s.low.empty()) {
        yr.add(s.low[i]);
        yr.add(s.high[i]);
      }
    }
  }
  TP_CHECK(!xr.empty() && !yr.empty(), "nothing to plot: no finite values");
  pad(xr);
  pad(yr);
  const double ystep = tick_step(yr.hi - yr.lo, 6);
  yr.lo = std::floor(yr.lo / ystep) * ystep;
  yr.hi = std::ceil(yr.hi / ystep) * ystep;
  const double xstep = tick_step(xr.hi - xr.lo, 7);

  const int w = chart.width, h = chart.height;
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), cairo_surface_destroy);
  std::unique_ptr<cairo_t, void (*)(cairo_t*)> owner(cairo_create(surface.get()), cairo_destroy);
  cairo_t* cr = owner.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

  // Plot area, leaving room for the tick labels, the axis titles and the title.
  const double left = 78, right = w - 20.0, top = chart.title.empty() ? 20.0 : 44.0, bottom = h - 58.0;
  auto px = [&](double x) { return left + (x - xr.lo) / (xr.hi - xr.lo) * (right - left); };
  auto py = [&](double y) { return bottom - (y - yr.lo) / (yr.hi - yr.lo) * (bottom - top); };
  auto text = [&](const std::string& s, double x, double y, double size, double align_x, double align_y) {
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    cairo_move_to(cr, x - e.width * align_x - e.x_bearing, y - e.height * align_y - e.y_bearing);
    cairo_show_text(cr, s.c_str());
  };

  // Grid and ticks.
  cairo_set_line_width(cr, 1);
  for (double v = std::ceil(xr.lo / xstep) * xstep; v <= xr.hi + 1e-9 * xstep; v += xstep) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, std::round(px(v)) + 0.5, top);
    cairo_line_to(cr, std::round(px(v)) + 0.5, bottom);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    text(tick_label(std::fabs(v) < 1e-12 * xstep ? 0 : v, xstep), px(v), bottom + 6, 12, 0.5, 0);
  }
  for (double v = yr.lo; v <= yr.hi + 1e-9 * ystep; v += ystep) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, left, std::round(py(v)) + 0.5);
    cairo_line_to(cr, right, std::round(py(v)) + 0.5);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    text(tick_label(std::fabs(v) < 1e-12 * ystep ? 0 : v, ystep), left - 6, py(v), 12, 1, 0.5);
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_rectangle(cr, left + 0.5, top + 0.5, right - left, bottom - top);
  cairo_stroke(cr);
  text(chart.x_label, (left + right) / 2, h - 8.0, 14, 0.5, 1);
  cairo_save(cr);
  cairo_translate(cr, 18, (top + bottom) / 2);
  cairo_rotate(cr, -M_PI / 2);
  text(chart.y_label, 0, 0, 14, 0.5, 0.5);
  cairo_restore(cr);
  if (!chart.title.empty()) text(chart.title, (left + right) / 2, 12, 16, 0.5, 0);

  // Bands under the lines, then the lines; clipped to the plot area.
  cairo_save(cr);
  cairo_rectangle(cr, left, top, right - left, bottom - top);
  cairo_clip(cr);
  for (size_t k = 0; k < chart.series.size(); ++k) {
    const Series& s = chart.series[k];
    if (s.low.empty()) continue;
    const Colour c = series_colour(k);
    cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.22);
    bool open = false;
    size_t first = 0;
    auto close_band = [&](size_t end) {  // the upper edge forward, the lower edge back
      for (size_t j = end; j-- > first;) cairo_line_to(cr, px(s.x[j]), py(s.low[j]));
      cairo_close_path(cr);
      cairo_fill(cr);
    };
    for (size_t i = 0; i <= s.x.size(); ++i) {
      const bool ok = i < s.x.size() && std::isfinite(s.low[i]) && std::isfinite(s.high[i]);
      if (ok && !open) {
        first = i;
        cairo_move_to(cr, px(s.x[i]), py(s.high[i]));
        open = true;
      } else if (ok) {
        cairo_line_to(cr, px(s.x[i]), py(s.high[i]));
      } else if (open) {
        close_band(i);
        open = false;
      }
    }
  }
  cairo_set_line_width(cr, 2);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t k = 0; k < chart.series.size(); ++k) {
    const Series& s = chart.series[k];
    const Colour c = series_colour(k);
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    bool drawing = false;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        drawing = false;
        continue;
      }
      if (drawing)
        cairo_line_to(cr, px(s.x[i]), py(s.y[i]));
      else
        cairo_move_to(cr, px(s.x[i]), py(s.y[i]));
      drawing = true;
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);

  // Legend, top left inside the plot area.
  if (chart.series.size() > 1 || !chart.series.front().label.empty()) {
    cairo_set_font_size(cr, 12);
    double widest = 0;
    for (const Series& s : chart.series) {
      cairo_text_extents_t e;
      cairo_text_extents(cr, s.label.c_str(), &e);
      widest = std::max(widest, e.x_advance);
    }
    const double lx = left + 10, ly = top + 10, row = 18;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, lx, ly, widest + 44, row * chart.series.size() + 8);
    cairo_fill(cr);
    for (size_t k = 0; k < chart.series.size(); ++k) {
      const Colour c = series_colour(k);
      const double y = ly + 4 + row * (k + 0.5);
      cairo_set_source_rgb(cr, c.r, c.g, c.b);
      cairo_set_line_width(cr, 3);
      cairo_move_to(cr, lx + 6, y);
      cairo_line_to(cr, lx + 30, y);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
      text(chart.series[k].label, lx + 36, y, 12, 0, 0.5);
    }
  }

  cairo_surface_flush(surface.get());
  // Written beside, then renamed: a reader never sees half a picture.
  const std::string temp = path + ".tmp";
  const cairo_status_t status = cairo_surface_write_to_png(surface.get(), temp.c_str());
  if (status != CAIRO_STATUS_SUCCESS) {
    std::remove(temp.c_str());
    TP_THROW(Error, "cannot write '", path, "': ", cairo_status_to_string(status));
  }
  TP_CHECK(std::rename(temp.c_str(), path.c_str()) == 0, "cannot write '", path, "'");
}

}  // namespace tp::plot
