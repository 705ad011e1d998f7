#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/png_image.h"
#include "core/run_dir.h"
#include "generative/data/synthetic.h"
#include "generative/eval/image_metrics.h"
#include "generative/eval/mode_coverage.h"
#include "generative/sample_grid.h"
#include "tests/test_util.h"

namespace tp::gen {
namespace {

TEST(ModeCoverage, RealSamplesCoverEveryModeWithHighQuality) {
  for (const std::string name : {"ring8", "grid25", "moons"}) {
    const auto pts = sample_synthetic(*synthetic_kind(name), 2500, 3);
    const auto m = mode_coverage(pts, name);
    EXPECT_EQ(m.covered, m.total) << name;
    EXPECT_GT(m.high_quality_share, 0.98) << name;  // 3 std: 99.7% per coordinate
  }
}

TEST(ModeCoverage, CollapsedAndScatteredSamples) {
  // Everything on one ring8 mode: 1 of 8 covered, all high quality.
  auto one = torch::zeros({1000, 2});
  one.select(1, 0).fill_(2.0);
  auto m = mode_coverage(one, "ring8");
  EXPECT_EQ(m.covered, 1);
  EXPECT_DOUBLE_EQ(m.high_quality_share, 1.0);
  // The origin is far from every mode: nothing is high quality.
  m = mode_coverage(torch::zeros({100, 2}), "ring8");
  EXPECT_EQ(m.covered, 0);
  EXPECT_DOUBLE_EQ(m.high_quality_share, 0.0);
  EXPECT_THROW(mode_coverage(one, "fashion-mnist"), UsageError);
}

TEST(ImageMetrics, FrechetDistanceMatchesTheClosedForm) {
  torch::manual_seed(0);
  auto a = torch::randn({20000, 4}, torch::kFloat64);
  EXPECT_NEAR(frechet_distance(a, a), 0.0, 1e-6);
  // Same covariance, mean shifted by (1, 2, 0, 0): distance |mu1 - mu2|^2 = 5.
  auto shift = torch::tensor({1.0, 2.0, 0.0, 0.0}, torch::kFloat64);
  EXPECT_NEAR(frechet_distance(a, a + shift), 5.0, 1e-6);
  // Scaled by 2 (cov 4I vs I, same mean): d = tr(I) + tr(4I) - 2 tr(2I) = 4 (sample noise aside).
  auto b = torch::randn({20000, 4}, torch::kFloat64);
  EXPECT_NEAR(frechet_distance(a, 2 * b), 4.0, 0.15);
}

TEST(ImageMetrics, InceptionScoreBounds) {
  // Confident and evenly spread over 10 classes: IS = 10; identical predictions: IS = 1.
  auto onehot = torch::one_hot(torch::arange(1000).remainder(10), 10).to(torch::kFloat64);
  EXPECT_NEAR(inception_score(onehot).mean, 10.0, 1e-6);
  auto same = torch::full({1000, 10}, 0.1, torch::kFloat64);
  EXPECT_NEAR(inception_score(same).mean, 1.0, 1e-9);
}

TEST(PngImage, EncodeDecodeRoundTripAndGrid) {
  test::TempDir dir;
  Image img(5, 3, 3);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>(i * 7);
  write_png(dir.file("a.png"), img);
  const Image back = read_png(dir.file("a.png"));
  EXPECT_EQ(back.width, 5);
  EXPECT_EQ(back.height, 3);
  EXPECT_EQ(back.channels, 3);
  EXPECT_EQ(back.pixels, img.pixels);
  const std::string bytes = read_file(dir.file("a.png"));
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  // 10 tiles of 4x2 in rows of 4, padding 1: 3 rows.
  std::vector<Image> tiles(10, Image(4, 2, 1, 200));
  const Image grid = tile_grid(tiles, 4, 1, 0);
  EXPECT_EQ(grid.width, 4 * 4 + 5);
  EXPECT_EQ(grid.height, 3 * 2 + 4);
  EXPECT_EQ(*grid.at(1, 1), 200);
  EXPECT_EQ(*grid.at(0, 0), 0);
  EXPECT_EQ(*grid.at(grid.width - 2, grid.height - 2), 0);  // the empty end of the last row
  write_file_atomic(dir.file("bad.png"), "not a png at all");
  EXPECT_THROW(read_png(dir.file("bad.png")), DataError);
  // Upscaling repeats each pixel into a factor x factor block.
  const Image big = upscaled(img, 3);
  EXPECT_EQ(big.width, 15);
  EXPECT_EQ(big.height, 9);
  for (int y = 0; y < big.height; ++y)
    for (int x = 0; x < big.width; ++x)
      for (int c = 0; c < 3; ++c) ASSERT_EQ(big.at(x, y)[c], img.at(x / 3, y / 3)[c]) << x << "," << y;
  EXPECT_EQ(upscaled(img, 1).pixels, img.pixels);
  EXPECT_THROW(upscaled(img, 0), Error);
}

TEST(SampleGrid, MapsUnitRangeToBytes) {
  auto imgs = torch::zeros({2, 1, 2, 2});
  imgs[0].fill_(1.0);
  imgs[1][0][0][0] = 0.5;
  imgs[1][0][0][1] = 7.0;  // clipped
  const Image g = image_grid(imgs, 2, 0);
  EXPECT_EQ(g.width, 4);
  EXPECT_EQ(g.height, 2);
  EXPECT_EQ(*g.at(0, 0), 255);
  EXPECT_EQ(*g.at(2, 0), 128);
  EXPECT_EQ(*g.at(3, 0), 255);
  EXPECT_EQ(*g.at(3, 1), 0);
}

// A ring8 scatter plot (400 px over [-3, 3]^2, 66.7 px per unit): each point a black 3 x 3
// dot at its place, y up; the axes darker than the other whole-number grid lines.
TEST(ScatterPlot, PointsAreDotsOnAGridWithAxes) {
  const PlotExtent e = scatter_extent("ring8");
  EXPECT_EQ(e.lo, -3.0);
  EXPECT_EQ(e.hi, 3.0);
  const Image img = scatter_plot(torch::tensor({{1.5, 1.5}, {-1.5, -2.25}}), "ring8", 400);
  ASSERT_EQ(img.width, 400);
  auto px = [](double v) { return static_cast<int>(std::lround((v + 3.0) * 400 / 6.0)); };
  for (int d = -1; d <= 1; ++d) {
    EXPECT_EQ(*img.at(px(1.5) + d, 400 - px(1.5) + d), 0);
    EXPECT_EQ(*img.at(px(-1.5) + d, 400 - px(-2.25)), 0);
  }
  EXPECT_EQ(*img.at(px(1.5) + 3, 400 - px(1.5)), 255);  // a dot is 3 px wide, no more
  EXPECT_EQ(*img.at(px(0), 37), 150);                   // the y axis (x = 0)
  EXPECT_EQ(*img.at(37, 400 - px(0)), 150);             // the x axis
  EXPECT_EQ(*img.at(px(2), 37), 225);                   // x = 2
  EXPECT_EQ(*img.at(37, 400 - px(-1)), 225);            // y = -1
  EXPECT_EQ(*img.at(px(0.5), 37), 255);                 // between grid lines
}

}  // namespace
}  // namespace tp::gen
