// --plot and --grid write PNG files that decode (with cairo) to the expected pictures.
#include "cli_run.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <cairo.h>
#include <doctest/doctest.h>

#include <memory>

namespace {

using aec::test::Run;
using aec::test::run_aec;

struct Png {
  int width = 0, height = 0;
  std::vector<uint32_t> pixels; // 0x00RRGGBB
};

Png decode(const std::string &path) {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> s(cairo_image_surface_create_from_png(path.c_str()),
                                                                       cairo_surface_destroy);
  REQUIRE(cairo_surface_status(s.get()) == CAIRO_STATUS_SUCCESS);
  Png p{cairo_image_surface_get_width(s.get()), cairo_image_surface_get_height(s.get()), {}};
  const int stride = cairo_image_surface_get_stride(s.get());
  const unsigned char *data = cairo_image_surface_get_data(s.get());
  for (int y = 0; y < p.height; ++y)
    for (int x = 0; x < p.width; ++x) p.pixels.push_back(reinterpret_cast<const uint32_t *>(data + y * stride)[x] & 0xffffff);
  return p;
}

// Pixels close to the colour (r, g, b).
int count_near(const Png &p, int r, int g, int b) {
  int n = 0;
  for (uint32_t px : p.pixels) {
    int pr = int(px >> 16 & 255), pg = int(px >> 8 & 255), pb = int(px & 255);
    n += std::abs(pr - r) + std::abs(pg - g) + std::abs(pb - b) < 30;
  }
  return n;
}

const std::string kImages = "'synthetic:lowrank?n=512&d=64&rank=8'"; // 64 = 8 x 8 images

} // namespace

TEST_CASE("aec train --plot draws the training and validation loss curves") {
  aec::test::TempDir t;
  std::string png = t.path("loss.png");
  Run r = run_aec("train " + aec::test::example_path("pca_tied") + " --set k=4 --data " + kImages + " --epochs 6 --val 0.25 --plot " + png);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("drew " + png) != std::string::npos);
  Png p = decode(png);
  CHECK(p.width == 720);
  CHECK(p.height == 440);
  CHECK(count_near(p, 31, 120, 181) > 200); // the training curve
  CHECK(count_near(p, 214, 94, 0) > 200);   // the validation curve
}

TEST_CASE("aec run --grid draws inputs above their reconstructions") {
  aec::test::TempDir t;
  std::string ckpt = t.path("m.ckpt"), png = t.path("grid.png");
  REQUIRE(run_aec("train " + aec::test::example_path("deep_ae") + " --data " + kImages + " --epochs 1 --save " + ckpt).status == 0);
  Run r = run_aec("run " + aec::test::example_path("deep_ae") + " --data " + kImages + " --load " + ckpt + " --output recon --grid " + png);
  INFO(r.output);
  REQUIRE(r.status == 0);
  Png p = decode(png);
  CHECK(p.width == 8 * (24 + 4) + 4);        // 8 pairs a row, 8 x 8 pixels drawn 3x
  CHECK(p.height == 4 * (2 * 24 + 12) + 24); // 32 samples: 4 rows of pairs under a caption
  // The first input (x 4..27, y 24..47) is an image, not a flat square.
  uint32_t first = p.pixels[size_t(30 * p.width + 6)];
  int differing = 0;
  for (int y = 24; y < 48; ++y)
    for (int x = 4; x < 28; ++x) differing += p.pixels[size_t(y * p.width + x)] != first;
  CHECK(differing > 100);
}

TEST_CASE("aec run --grid draws an image output [1, h, w] as it draws the vector [h w]") {
  aec::test::TempDir t;
  const std::string program = t.write("img.ae", "dim D\ninput x : [D]\nparam W : [4, D] = glorot\n"
                                                "minimize ||x - W' * W * x||^2\n"
                                                "output flat = W' * W * x\noutput image = reshape(W' * W * x, 1, 8, 8)\n");
  std::string ckpt = t.path("m.ckpt");
  REQUIRE(run_aec("train " + program + " --data " + kImages + " --epochs 1 --save " + ckpt).status == 0);
  auto grid = [&](const std::string &output) {
    std::string png = t.path(output + ".png");
    Run r = run_aec("run " + program + " --data " + kImages + " --load " + ckpt + " --output " + output + " --grid " + png);
    INFO(r.output);
    REQUIRE(r.status == 0);
    return decode(png).pixels;
  };
  CHECK(grid("image") == grid("flat"));
}

TEST_CASE("aec run --grid on a two-dimensional code draws a scatter plot, other widths are refused") {
  aec::test::TempDir t;
  std::string ckpt = t.path("p.ckpt"), png = t.path("codes.png");
  REQUIRE(run_aec("train " + aec::test::example_path("pca_tied") + " --set k=2 --data " + kImages + " --epochs 2 --save " + ckpt).status ==
          0);
  Run r = run_aec("run " + aec::test::example_path("pca_tied") + " --set k=2 --data " + kImages + " --load " + ckpt +
                  " --output code --grid " + png);
  INFO(r.output);
  REQUIRE(r.status == 0);
  Png p = decode(png);
  CHECK(p.width == 600);
  CHECK(count_near(p, 31, 120, 181) + count_near(p, 120, 170, 210) > 300); // the points, blended on white
  std::string ckpt4 = t.path("p4.ckpt");
  REQUIRE(run_aec("train " + aec::test::example_path("pca_tied") + " --set k=4 --data " + kImages + " --epochs 1 --save " + ckpt4).status ==
          0);
  Run bad = run_aec("run " + aec::test::example_path("pca_tied") + " --set k=4 --data " + kImages + " --load " + ckpt4 +
                    " --output code --grid " + t.path("no.png"));
  CHECK(bad.status == 1);
  CHECK(bad.output.find("output code is [4] per sample; a grid needs square images of the input's width") != std::string::npos);
}

TEST_CASE("aec run --grid draws every image on one gray scale: 0.1 x - 0.001 is darker than x") {
  aec::test::TempDir t;
  std::string csv; // 16 images of 8 x 8 in [0, 1]
  for (int s = 0; s < 16; ++s)
    for (int j = 0; j < 64; ++j) csv += std::to_string(double((s * 7 + j * 3) % 17) / 16.0) + (j == 63 ? "\n" : ",");
  std::string data = t.write("images.csv", csv);
  std::string program = t.write("scaled.ae", "dim D\ninput x : [D]\nparam W : [2, D] = glorot\nminimize ||W * x||^2\n"
                                             "output same = x\noutput scaled = 0.1 * x - 0.001\n");
  std::string ckpt = t.path("m.ckpt");
  REQUIRE(run_aec("train " + program + " --data " + data + " --epochs 1 --save " + ckpt).status == 0);
  auto mean_gray = [](const Png &p, int y0) { // of the first image of a row: x 4..27, y y0..y0+23
    double sum = 0;
    for (int y = y0; y < y0 + 24; ++y)
      for (int x = 4; x < 28; ++x) sum += double(p.pixels[size_t(y * p.width + x)] & 255);
    return sum / (24 * 24);
  };
  for (const char *output : {"same", "scaled"}) {
    std::string png = t.path(std::string(output) + ".png");
    Run r = run_aec("run " + program + " --data " + data + " --load " + ckpt + " --output " + output + " --grid " + png);
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.find("drew " + png + " on one gray scale for every image: 0 black, 1 white (the inputs' range)") != std::string::npos);
    Png p = decode(png);
    double input = mean_gray(p, 24), recon = mean_gray(p, 24 + 24 + 4);
    if (std::string(output) == "same") {
      CHECK(recon == doctest::Approx(input));
    } else {
      CHECK(recon < 0.15 * input); // a tenth of the input's gray, not stretched back to it
      CHECK(r.output.find("reconstructed values outside it drawn as the nearer end") != std::string::npos);
    }
  }
}
