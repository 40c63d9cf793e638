// PNG pictures drawn with cairo: the loss curves of a training run, a grid of images beside
// their reconstructions, and a scatter plot of two-dimensional codes. Each file is written
// atomically (a temporary file renamed into place); failures are InputErrors naming the path.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aec::runtime {

// Training (and, when not empty, validation) loss per epoch, on a log scale when they span more
// than a factor of 20.
void plot_losses(const std::string &path, const std::vector<double> &train, const std::vector<double> &val, const std::string &title);

// The gray scale of an image grid: `black` is drawn black, `white` white, values beyond them as
// the nearer one (`clamped` of them).
struct GrayScale {
  double black = 0, white = 1;
  int64_t clamped = 0;
  bool data_range = false; // [0, 1] because the inputs are images in [0, 1]
};

// `count` samples of `width` = side x side pixels: a row of inputs above a row of their
// reconstructions, eight pairs to a row, every image on one gray scale (so that 0.1 x - 0.001 is
// not drawn like x): [0, 1] when the inputs lie in [0, 1] (image data; reconstructions outside
// it are clamped), else from the smallest value shown to the largest. Returns the scale.
GrayScale image_grid(const std::string &path, const float *inputs, const float *reconstructions, int64_t count, int64_t width);

// Points (x, y), `count` of them, interleaved.
void scatter_plot(const std::string &path, const float *points, int64_t count, const std::string &title);

// The side of a square image of `width` pixels, or 0 when `width` is not a square.
int64_t square_side(int64_t width);

} // namespace aec::runtime
