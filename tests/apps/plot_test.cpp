// `torchplay plot`: the PNG is read back and the curves are where the data puts them: two
// seeds of one config as their mean inside a min-max band, another config as a second curve.
#include <gtest/gtest.h>

#include <fstream>

#include "apps/plot/line_chart.h"
#include "apps/plot/run_curves.h"
#include "core/png_image.h"
#include "tests/test_util.h"

namespace tp {
namespace {

// A run directory with config.ini and a metrics.csv whose episode_return is `value` at every step.
void write_run(const std::string& dir, int seed, const std::string& lr, double value) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config.ini") << "env = CartPole-v1\nlr = " << lr << "\nseed = " << seed << "\n";
  std::ofstream csv(dir + "/metrics.csv");
  csv << "step,episode_return,loss\n";
  for (int step = 0; step <= 1000; step += 10) csv << step << "," << value << ",\n";
}

bool near(const uint8_t* p, int r, int g, int b, int tolerance) {
  return std::abs(p[0] - r) <= tolerance && std::abs(p[1] - g) <= tolerance && std::abs(p[2] - b) <= tolerance;
}

TEST(PlotCli, SeedsBecomeAMeanInsideTheirBandAndConfigsSeparateCurves) {
  test::TempDir dir;
  write_run(dir.file("a1"), 1, "0.001", 10);
  write_run(dir.file("a2"), 2, "0.001", 20);
  write_run(dir.file("b1"), 1, "0.01", 0);
  const std::string png = dir.file("curves.png");
  const auto r = test::run_torchplay("plot " + dir.file("a1") + " " + dir.file("a2") + " " + dir.file("b1") +
                                     " --out " + png + " --smooth 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("episode return (undiscounted) against environment steps, 2 curves from 3 runs"),
            std::string::npos)
      << r.output;
  const Image image = read_png(png);
  ASSERT_EQ(image.width, 900);
  ASSERT_EQ(image.height, 540);
  ASSERT_EQ(image.channels, 3);

  // Down the middle column: the band (the first colour, light), the mean line (the first
  // colour, full) inside it, and below them the second config's line.
  const plot::Colour c0 = plot::series_colour(0), c1 = plot::series_colour(1);
  const auto full = [](double v) { return static_cast<int>(v * 255 + 0.5); };
  const auto light = [](double v) { return static_cast<int>((0.22 * v + 0.78) * 255 + 0.5); };
  int band_top = -1, band_bottom = -1, line0 = -1, line1 = -1;
  const int x = image.width / 2 + 7;  // off the grid lines
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* p = image.at(x, y);
    if (near(p, light(c0.r), light(c0.g), light(c0.b), 6)) {
      if (band_top < 0) band_top = y;
      band_bottom = y;
    }
    if (near(p, full(c0.r), full(c0.g), full(c0.b), 12) && line0 < 0) line0 = y;
    if (near(p, full(c1.r), full(c1.g), full(c1.b), 12) && line1 < 0) line1 = y;
  }
  ASSERT_GE(band_top, 0) << "no band";
  ASSERT_GE(line0, 0) << "no mean line";
  ASSERT_GE(line1, 0) << "no second curve";
  // The band spans 10..20 and the mean 15 lies halfway; 0 is as far below 10 as 10 is below 20.
  const double span = band_bottom - band_top;
  EXPECT_GT(span, 100);
  EXPECT_NEAR(line0, (band_top + band_bottom) / 2.0, 4);
  EXPECT_NEAR(line1 - band_bottom, span, 6);

  // Dark text pixels left of the plot area: tick labels and the axis title are drawn.
  int dark = 0;
  for (int y = 0; y < image.height; ++y)
    for (int xx = 0; xx < 70; ++xx) dark += image.at(xx, y)[0] < 100;
  EXPECT_GT(dark, 100);
}

// A curve is labelled by the settings that set it apart, while they are few; when many differ
// (two algorithms' presets), by what its runs' names share.
TEST(PlotCurves, LabelsNameTheDifferenceOrTheRunsSharedName) {
  test::TempDir dir;
  for (int seed : {1, 2}) {
    write_run(dir.file("ppo-" + std::to_string(seed)), seed, "0.001", 10);
    write_run(dir.file("a2c-" + std::to_string(seed)), seed, "0.01", 20);
  }
  auto chart = plot::learning_curves({dir.file("ppo-1"), dir.file("ppo-2"), dir.file("a2c-1"), dir.file("a2c-2")}, {});
  ASSERT_EQ(chart.series.size(), 2u);
  EXPECT_EQ(chart.series[0].label, "lr=0.001 (mean of 2 seeds, min-max band)");
  EXPECT_EQ(chart.series[1].label, "lr=0.01 (mean of 2 seeds, min-max band)");
  for (const std::string name : {"ppo-1", "ppo-2", "a2c-1", "a2c-2"}) {
    std::ofstream config(dir.file(name + "/config.ini"), std::ios::app);
    const bool ppo = name[0] == 'p';
    config << "gamma = " << (ppo ? 0.98 : 0.99) << "\nnum-steps = " << (ppo ? 32 : 5) << "\nclip = " << ppo << "\n";
  }
  chart = plot::learning_curves({dir.file("ppo-1"), dir.file("ppo-2"), dir.file("a2c-1"), dir.file("a2c-2")}, {});
  ASSERT_EQ(chart.series.size(), 2u);
  EXPECT_EQ(chart.series[0].label, "ppo (mean of 2 seeds, min-max band)");
  EXPECT_EQ(chart.series[1].label, "a2c (mean of 2 seeds, min-max band)");
}

TEST(PlotCli, MistakesAreOneLineErrors) {
  test::TempDir dir;
  write_run(dir.file("a"), 1, "0.001", 1);
  auto r = test::run_torchplay("plot " + dir.file("a") + " --out " + dir.file("p.png") + " --y episode_retrun");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("has no column 'episode_retrun' (did you mean 'episode_return'?)"), std::string::npos)
      << r.output;
  r = test::run_torchplay("plot " + dir.file("missing") + " --out " + dir.file("p.png"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("is neither a run directory with a metrics.csv nor a metrics.csv"), std::string::npos)
      << r.output;
  r = test::run_torchplay("plot " + dir.file("a") + " --out " + dir.file("p.png") + " --y loss");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("nothing to plot"), std::string::npos) << r.output;
  std::ofstream(dir.file("a/metrics.csv"), std::ios::app) << "1010,x,\n";
  r = test::run_torchplay("plot " + dir.file("a") + " --out " + dir.file("p.png"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("metrics.csv:103: 'x' is not a number"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("p.png")));
}

}  // namespace
}  // namespace tp
