// The sample viewer on a tiny conditional GAN trained by the real CLI: tiles show the
// sampler's images, class choice and resampling change them, a latent walk starts at the
// first selected sample.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "apps/view/font.h"
#include "apps/view/sample_viewer.h"
#include "core/rng.h"
#include "core/run_dir.h"
#include "generative/sample_grid.h"
#include "generative/data/idx.h"
#include "tests/test_util.h"
#include "tests/tiny_mnist.h"
#include "tests/view/pixel_util.h"

namespace tp::view {
namespace {

class SampleViewerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new tp::test::TempDir();
    tp::test::write_tiny_mnist(dir_->path());
    const auto r =
        tp::test::run_torchplay("train cgan --ngf 8 --ndf 8 --data " + dir_->path() +
                                " --threads 1 --quiet --epochs 1 --batch-size 32 --run-dir " + dir_->file("cgan"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() { delete dir_; }
  static tp::test::TempDir* dir_;
};
tp::test::TempDir* SampleViewerTest::dir_ = nullptr;

// The grey level drawn at pixel (x, y) of sample i's tile.
sf::Color tile_pixel(const sf::Image& image, const SampleViewer& v, int i, int x, int y, float scale) {
  const sf::FloatRect r = v.tile_rect(i);
  return image.getPixel(static_cast<unsigned>(r.left + (static_cast<float>(x) + 0.5f) * scale),
                        static_cast<unsigned>(r.top + (static_cast<float>(y) + 0.5f) * scale));
}

TEST_F(SampleViewerTest, TilesShowTheSamplersImagesAndClassesAndWalksWork) {
  sf::Font font;
  load_ui_font(font);
  gen::Sampler sampler(dir_->file("cgan"));
  ASSERT_EQ(sampler.num_classes(), 10);
  SampleViewer v(sampler, 20, 3, 6, &font);
  EXPECT_EQ(v.columns(), 10);  // one column per class
  const float scale = v.tile_rect(0).width / 28.0f;
  auto check_tiles = [&](const torch::Tensor& expected) {
    const sf::Image image = test::render(v.size().x, v.size().y, [&](sf::RenderTarget& t) { v.draw(t); });
    const auto bytes = (expected * 255).round().clamp(0, 255).to(torch::kUInt8);
    for (int i : {0, 7, 19})
      for (auto [x, y] : {std::pair{3, 4}, {14, 14}, {27, 27}, {20, 9}}) {
        const int g = bytes[i][0][y][x].item<int>();
        EXPECT_EQ(tile_pixel(image, v, i, x, y, scale), sf::Color(g, g, g))
            << "sample " << i << " at " << x << "," << y;
      }
  };
  // Sample i of the grid has class i mod 10 and the i-th latent of seed 3.
  const auto z = sampler.random_latents(20, 3);
  EXPECT_TRUE(torch::equal(v.latents(), z));
  check_tiles(sampler.sample(z, -1));

  v.key(sf::Keyboard::Num4);  // class 4 for every sample
  EXPECT_EQ(v.class_label(), 4);
  check_tiles(sampler.sample(z, 4));
  v.key(sf::Keyboard::Right);
  EXPECT_EQ(v.class_label(), 5);

  v.key(sf::Keyboard::R);  // new latents
  EXPECT_FALSE(torch::equal(v.latents(), z));
  check_tiles(sampler.sample(v.latents(), 5));

  // Walk: select samples 2 and 11 by clicking their tiles, press W.
  EXPECT_FALSE(v.walk());
  const sf::FloatRect a = v.tile_rect(2), b = v.tile_rect(11);
  v.click({a.left + 3, a.top + 3});
  v.click({b.left + 3, b.top + 3});
  EXPECT_EQ(v.selection(), (std::vector<int>{2, 11}));
  v.key(sf::Keyboard::W);
  ASSERT_TRUE(v.walk_samples().defined()) << v.message();
  EXPECT_EQ(v.walk_samples().size(0), 6);
  EXPECT_LT((v.walk_samples()[0] - v.grid_samples()[2]).abs().max().item<float>(), 1e-4f);
  EXPECT_LT((v.walk_samples()[5] - sampler.sample(v.latents()[11], 5)[0]).abs().max().item<float>(), 1e-4f);
  // The strip shows the walk's pixels.
  const sf::Image image = test::render(v.size().x, v.size().y, [&](sf::RenderTarget& t) { v.draw(t); });
  const auto bytes = (v.walk_samples() * 255).round().clamp(0, 255).to(torch::kUInt8);
  for (int j : {0, 3, 5}) {
    const sf::FloatRect r = v.walk_rect(j);
    const int g = bytes[j][0][14][14].item<int>();
    EXPECT_EQ(
        image.getPixel(static_cast<unsigned>(r.left + 14.5f * scale), static_cast<unsigned>(r.top + 14.5f * scale)),
        sf::Color(g, g, g))
        << j;
  }
}

// A 2-D model (the shipped ring8 GAN): each sample is a dot where its coordinates say, on a
// grid whose whole numbers are written along the axes.
TEST(SampleViewerPoints, DotsSitAtTheSamplesCoordinatesWithNumberedAxes) {
  sf::Font font;
  load_ui_font(font);
  gen::Sampler sampler("ring8-gan");
  ASSERT_FALSE(sampler.is_image());
  SampleViewer labelled(sampler, 64, 4, 6, &font), plain(sampler, 64, 4, 6, nullptr);
  const sf::Image image =
      test::render(labelled.size().x, labelled.size().y, [&](sf::RenderTarget& t) { labelled.draw(t); });
  const sf::Image bare = test::render(plain.size().x, plain.size().y, [&](sf::RenderTarget& t) { plain.draw(t); });
  const sf::FloatRect plot = labelled.plot_rect();
  const gen::PlotExtent e = gen::scatter_extent("ring8");
  const auto points = labelled.grid_samples();
  ASSERT_EQ(points.size(0), 64);
  for (int i = 0; i < 64; i += 9) {
    const float x = points[i][0].item<float>(), y = points[i][1].item<float>();
    if (x <= e.lo || x >= e.hi || y <= e.lo || y >= e.hi) continue;  // off the plot
    const auto per_unit = static_cast<float>(plot.width / (e.hi - e.lo));
    const sf::Vector2f at(plot.left + (x - static_cast<float>(e.lo)) * per_unit,
                          plot.top + plot.height - (y - static_cast<float>(e.lo)) * per_unit);
    EXPECT_EQ(test::at(image, at), sf::Color::Black) << "sample " << i << " (" << x << ", " << y << ")";
  }
  // The numbers -3..3: ink below the plot at each whole number, and left of it.
  for (int v = -3; v <= 3; ++v) {
    const float along = (static_cast<float>(v) + 3) * plot.width / 6;
    EXPECT_GT(test::count_differing(image, bare, {plot.left + along - 8, plot.top + plot.height + 2, 16, 16}), 3) << v;
    EXPECT_GT(test::count_differing(image, bare, {plot.left - 30, plot.top + plot.height - along - 8, 28, 16}), 3) << v;
  }
}

TEST_F(SampleViewerTest, CliErrorsAreOneLine) {
  auto r = tp::test::run_torchplay("watch --model " + dir_->file("missing.tpck"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  r = tp::test::run_torchplay("watch --model " + dir_->file("cgan") + " --n -1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

}  // namespace
}  // namespace tp::view
