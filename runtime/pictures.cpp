#include "runtime/pictures.h"
#include "source/diagnostics.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace aec::runtime {

namespace {

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

struct Canvas {
  Surface surface;
  Context cr;
  Canvas(int w, int h)
      : surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), cairo_surface_destroy),
        cr(cairo_create(surface.get()), cairo_destroy) {
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_select_font_face(cr.get(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  }
  cairo_t *operator()() const { return cr.get(); }

  void write(const std::string &path) {
    cairo_surface_flush(surface.get());
    std::string tmp = path + ".tmp";
    cairo_status_t st = cairo_surface_write_to_png(surface.get(), tmp.c_str());
    if (st != CAIRO_STATUS_SUCCESS || std::rename(tmp.c_str(), path.c_str()) != 0) {
      std::remove(tmp.c_str());
      throw InputError(path + ": cannot write the PNG file (" + cairo_status_to_string(st) + ")");
    }
  }
};

void text(cairo_t *cr, double x, double y, const std::string &s, double size, double align = 0) {
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  cairo_move_to(cr, x - align * e.x_advance, y);
  cairo_show_text(cr, s.c_str());
}

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}

} // namespace

int64_t square_side(int64_t width) {
  auto side = static_cast<int64_t>(std::llround(std::sqrt(double(width))));
  return side > 1 && side * side == width ? side : 0;
}

void plot_losses(const std::string &path, const std::vector<double> &train, const std::vector<double> &val, const std::string &title) {
  const int W = 720, H = 440, left = 80, right = 20, top = 40, bottom = 50;
  Canvas c(W, H);
  cairo_t *cr = c();
  double lo = INFINITY, hi = -INFINITY;
  for (const auto *series : {&train, &val})
    for (double v : *series)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  const bool log_scale = lo > 0 && hi / lo > 20;
  auto ty = [&](double v) { return log_scale ? std::log10(v) : v; };
  double ylo = ty(lo), yhi = ty(hi);
  if (yhi - ylo < 1e-12) ylo -= 0.5, yhi += 0.5;
  double pad = 0.05 * (yhi - ylo);
  ylo -= pad, yhi += pad;
  const size_t epochs = std::max<size_t>({train.size(), val.size(), 2});
  auto px = [&](double epoch) { return left + (epoch - 1) / double(epochs - 1) * (W - left - right); };
  auto py = [&](double v) { return top + (yhi - ty(v)) / (yhi - ylo) * (H - top - bottom); };

  // axes, ticks and grid: a round step (1, 2 or 5 times a power of ten) on a linear scale,
  // decades and their halves on a log scale
  cairo_set_line_width(cr, 1);
  double raw = (yhi - ylo) / 5, tick = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {2.0, 5.0, 10.0})
    if (tick * 1.0001 < raw) tick = std::pow(10, std::floor(std::log10(raw))) * m;
  if (log_scale) tick = std::max(tick, std::log10(2.0));
  for (double y = std::ceil(ylo / tick) * tick; y <= yhi; y += tick) {
    double v = log_scale ? std::pow(10, y) : y;
    double yy = py(v);
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, left, yy);
    cairo_line_to(cr, W - right, yy);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    text(cr, left - 6, yy + 4, number(std::abs(v) < 1e-12 * (yhi - ylo) ? 0 : v), 11, 1);
  }
  size_t step = std::max<size_t>(1, epochs / 10);
  for (size_t e = 1; e <= epochs; e += step) text(cr, px(double(e)), H - bottom + 16, std::to_string(e), 11, 0.5);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_rectangle(cr, left, top, W - left - right, H - top - bottom);
  cairo_stroke(cr);
  text(cr, (left + W - right) / 2.0, H - 12, "epoch", 12, 0.5);
  text(cr, left, 24, title + (log_scale ? "  (loss, log scale)" : "  (loss)"), 14);

  auto draw = [&](const std::vector<double> &s, double r, double g, double b, const char *label, int slot) {
    if (s.empty()) return;
    cairo_set_source_rgb(cr, r, g, b);
    cairo_set_line_width(cr, 2);
    bool pen = false;
    for (size_t i = 0; i < s.size(); ++i) {
      if (!std::isfinite(s[i])) {
        pen = false;
        continue;
      }
      if (pen) cairo_line_to(cr, px(double(i + 1)), py(s[i]));
      else cairo_move_to(cr, px(double(i + 1)), py(s[i]));
      pen = true;
    }
    cairo_stroke(cr);
    for (size_t i = 0; i < s.size(); ++i)
      if (std::isfinite(s[i])) {
        cairo_arc(cr, px(double(i + 1)), py(s[i]), 3, 0, 2 * M_PI);
        cairo_fill(cr);
      }
    double lx = W - right - 150, ly = top + 18 + 18 * slot;
    cairo_rectangle(cr, lx, ly - 8, 18, 4);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, lx + 24, ly - 2, label, 12);
  };
  draw(train, 0.12, 0.47, 0.71, "training", 0);
  draw(val, 0.84, 0.37, 0.0, "validation", 1);
  c.write(path);
}

GrayScale image_grid(const std::string &path, const float *inputs, const float *reconstructions, int64_t count, int64_t width) {
  const int64_t side = square_side(width);
  if (!side) throw InputError(path + ": samples of width " + std::to_string(width) + " are not square images");
  const int64_t n = count * width;
  GrayScale scale;
  auto [in_lo, in_hi] = std::minmax_element(inputs, inputs + n);
  scale.data_range = n == 0 || (*in_lo >= 0 && *in_hi <= 1);
  if (!scale.data_range) {
    auto [out_lo, out_hi] = std::minmax_element(reconstructions, reconstructions + n);
    scale.black = std::min(*in_lo, *out_lo);
    scale.white = std::max(*in_hi, *out_hi);
  }
  const double range = scale.white > scale.black ? scale.white - scale.black : 1;
  const int per_row = 8, zoom = side <= 32 ? 3 : 1, cell = int(side) * zoom, gap = 4;
  const int rows = int((count + per_row - 1) / per_row);
  const int W = per_row * (cell + gap) + gap, H = rows * (2 * cell + 3 * gap) + 24;
  Canvas c(W, H);
  cairo_t *cr = c();
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  text(cr, gap, 16, "inputs (upper) and reconstructions (lower)", 12);
  auto draw_image = [&](const float *v, int x0, int y0) {
    for (int64_t i = 0; i < side; ++i)
      for (int64_t j = 0; j < side; ++j) {
        double g = (v[i * side + j] - scale.black) / range;
        if (!(g >= 0 && g <= 1)) ++scale.clamped, g = g > 1 ? 1 : 0; // NaN draws black
        cairo_set_source_rgb(cr, g, g, g);
        cairo_rectangle(cr, x0 + j * zoom, y0 + i * zoom, zoom, zoom);
        cairo_fill(cr);
      }
  };
  for (int64_t s = 0; s < count; ++s) {
    int x = gap + int(s % per_row) * (cell + gap), y = 24 + int(s / per_row) * (2 * cell + 3 * gap);
    draw_image(inputs + s * width, x, y);
    draw_image(reconstructions + s * width, x, y + cell + gap);
  }
  c.write(path);
  return scale;
}

void scatter_plot(const std::string &path, const float *points, int64_t count, const std::string &title) {
  const int W = 600, H = 600, margin = 50;
  Canvas c(W, H);
  cairo_t *cr = c();
  float xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (int64_t i = 0; i < count; ++i) {
    xlo = std::min(xlo, points[2 * i]), xhi = std::max(xhi, points[2 * i]);
    ylo = std::min(ylo, points[2 * i + 1]), yhi = std::max(yhi, points[2 * i + 1]);
  }
  if (!(xhi > xlo)) xlo -= 1, xhi += 1;
  if (!(yhi > ylo)) ylo -= 1, yhi += 1;
  const float xpad = 0.03f * (xhi - xlo), ypad = 0.03f * (yhi - ylo);
  xlo -= xpad, xhi += xpad, ylo -= ypad, yhi += ypad;
  auto px = [&](float x) { return margin + (x - xlo) / (xhi - xlo) * (W - 2 * margin); };
  auto py = [&](float y) { return H - margin - (y - ylo) / (yhi - ylo) * (H - 2 * margin); };
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, margin, margin, W - 2 * margin, H - 2 * margin);
  cairo_stroke(cr);
  text(cr, margin, 30, title, 14);
  text(cr, margin, H - margin + 16, number(xlo), 11, 0);
  text(cr, W - margin, H - margin + 16, number(xhi), 11, 1);
  text(cr, margin - 6, H - margin, number(ylo), 11, 1);
  text(cr, margin - 6, margin + 10, number(yhi), 11, 1);
  cairo_set_source_rgba(cr, 0.12, 0.47, 0.71, count > 5000 ? 0.25 : 0.6);
  for (int64_t i = 0; i < count; ++i) {
    cairo_arc(cr, px(points[2 * i]), py(points[2 * i + 1]), 1.6, 0, 2 * M_PI);
    cairo_fill(cr);
  }
  c.write(path);
}

} // namespace aec::runtime
