#include "apps/plot/line_chart.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
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

namespace {

// The data ranges, padded and (y) rounded to whole ticks, and where they land on the picture.
struct Frame {
  Range xr, yr;
  double xstep = 1, ystep = 1;
  double left = 0, right = 0, top = 0, bottom = 0;
  double px(double x) const { return left + (x - xr.lo) / (xr.hi - xr.lo) * (right - left); }
  double py(double y) const { return bottom - (y - yr.lo) / (yr.hi - yr.lo) * (bottom - top); }
};

Frame chart_frame(const LineChart& chart) {
  Frame f;
  for (const Series& s : chart.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      f.xr.add(s.x[i]);
      f.yr.add(s.y[i]);
      if (!s.low.empty()) {
        f.yr.add(s.low[i]);
        f.yr.add(s.high[i]);
      }
    }
  }
  TP_CHECK(!f.xr.empty() && !f.yr.empty(), "nothing to plot: no finite values");
  pad(f.xr);
  pad(f.yr);
  f.ystep = tick_step(f.yr.hi - f.yr.lo, 6);
  f.yr.lo = std::floor(f.yr.lo / f.ystep) * f.ystep;
  f.yr.hi = std::ceil(f.yr.hi / f.ystep) * f.ystep;
  f.xstep = tick_step(f.xr.hi - f.xr.lo, 7);
  // Plot area, leaving room for the tick labels, the axis titles and the title.
  f.left = 78, f.right = chart.width - 20.0, f.top = chart.title.empty() ? 20.0 : 44.0, f.bottom = chart.height - 58.0;
  return f;
}

// `s` at (x, y), aligned by the fractions of its extent (0: left/top, 0.5 centred, 1: right/bottom).
void show_text(cairo_t* cr, const std::string& s, double x, double y, double size, double align_x, double align_y) {
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  cairo_move_to(cr, x - e.width * align_x - e.x_bearing, y - e.height * align_y - e.y_bearing);
  cairo_show_text(cr, s.c_str());
}

void draw_axes(cairo_t* cr, const LineChart& chart, const Frame& f) {
  cairo_set_line_width(cr, 1);
  for (double v = std::ceil(f.xr.lo / f.xstep) * f.xstep; v <= f.xr.hi + 1e-9 * f.xstep; v += f.xstep) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, std::round(f.px(v)) + 0.5, f.top);
    cairo_line_to(cr, std::round(f.px(v)) + 0.5, f.bottom);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    show_text(cr, tick_label(std::fabs(v) < 1e-12 * f.xstep ? 0 : v, f.xstep), f.px(v), f.bottom + 6, 12, 0.5, 0);
  }
  for (double v = f.yr.lo; v <= f.yr.hi + 1e-9 * f.ystep; v += f.ystep) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, f.left, std::round(f.py(v)) + 0.5);
    cairo_line_to(cr, f.right, std::round(f.py(v)) + 0.5);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    show_text(cr, tick_label(std::fabs(v) < 1e-12 * f.ystep ? 0 : v, f.ystep), f.left - 6, f.py(v), 12, 1, 0.5);
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_rectangle(cr, f.left + 0.5, f.top + 0.5, f.right - f.left, f.bottom - f.top);
  cairo_stroke(cr);
  show_text(cr, chart.x_label, (f.left + f.right) / 2, chart.height - 8.0, 14, 0.5, 1);
  cairo_save(cr);
  cairo_translate(cr, 18, (f.top + f.bottom) / 2);
  cairo_rotate(cr, -M_PI / 2);
  show_text(cr, chart.y_label, 0, 0, 14, 0.5, 0.5);
  cairo_restore(cr);
  if (!chart.title.empty()) show_text(cr, chart.title, (f.left + f.right) / 2, 12, 16, 0.5, 0);
}

// A series' min-max band: the upper edge forward, the lower edge back, one polygon per
// stretch of finite values.
void draw_band(cairo_t* cr, const Series& s, const Frame& f) {
  bool open = false;
  size_t first = 0;
  for (size_t i = 0; i <= s.x.size(); ++i) {
    const bool ok = i < s.x.size() && std::isfinite(s.low[i]) && std::isfinite(s.high[i]);
    if (ok && !open) {
      first = i;
      cairo_move_to(cr, f.px(s.x[i]), f.py(s.high[i]));
      open = true;
    } else if (ok) {
      cairo_line_to(cr, f.px(s.x[i]), f.py(s.high[i]));
    } else if (open) {
      for (size_t j = i; j-- > first;) cairo_line_to(cr, f.px(s.x[j]), f.py(s.low[j]));
      cairo_close_path(cr);
      cairo_fill(cr);
      open = false;
    }
  }
}

// Bands under the lines, then the lines (NaN: a gap); clipped to the plot area.
void draw_series(cairo_t* cr, const LineChart& chart, const Frame& f) {
  cairo_save(cr);
  cairo_rectangle(cr, f.left, f.top, f.right - f.left, f.bottom - f.top);
  cairo_clip(cr);
  for (size_t k = 0; k < chart.series.size(); ++k) {
    if (chart.series[k].low.empty()) continue;
    const Colour c = series_colour(k);
    cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.22);
    draw_band(cr, chart.series[k], f);
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
        cairo_line_to(cr, f.px(s.x[i]), f.py(s.y[i]));
      else
        cairo_move_to(cr, f.px(s.x[i]), f.py(s.y[i]));
      drawing = true;
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);
}

// Top left inside the plot area; none for a single unlabelled series.
void draw_legend(cairo_t* cr, const LineChart& chart, const Frame& f) {
  if (chart.series.size() <= 1 && chart.series.front().label.empty()) return;
  cairo_set_font_size(cr, 12);
  double widest = 0;
  for (const Series& s : chart.series) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.label.c_str(), &e);
    widest = std::max(widest, e.x_advance);
  }
  const double lx = f.left + 10, ly = f.top + 10, row = 18;
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
    show_text(cr, chart.series[k].label, lx + 36, y, 12, 0, 0.5);
  }
}

}  // namespace

Image render_line_chart(const LineChart& chart) {
  TP_CHECK(chart.width > 0 && chart.height > 0, "a line chart needs a positive size");
  const Frame frame = chart_frame(chart);
  const int w = chart.width, h = chart.height;
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), cairo_surface_destroy);
  std::unique_ptr<cairo_t, void (*)(cairo_t*)> owner(cairo_create(surface.get()), cairo_destroy);
  cairo_t* cr = owner.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  draw_axes(cr, chart, frame);
  draw_series(cr, chart, frame);
  draw_legend(cr, chart, frame);
  cairo_surface_flush(surface.get());
  // RGB24: one native-endian 0x00RRGGBB word per pixel, rows `stride` bytes apart.
  Image out(w, h, 3);
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint32_t word;
      std::memcpy(&word, data + static_cast<size_t>(y) * stride + static_cast<size_t>(x) * 4, sizeof word);
      uint8_t* p = out.at(x, y);
      p[0] = static_cast<uint8_t>(word >> 16), p[1] = static_cast<uint8_t>(word >> 8),
      p[2] = static_cast<uint8_t>(word);
    }
  return out;
}

void write_line_chart_png(const LineChart& chart, const std::string& path) {
  write_png(path, render_line_chart(chart));
}

}  // namespace tp::plot
