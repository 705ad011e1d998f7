// `train --show`: the live chart window shows the run's curve exactly as `torchplay plot`
// draws it (frames recorded from the real window, compared pixel for pixel), says it is
// waiting before the first row, and the option fails before training without a display.
#include <SFML/Graphics/Image.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "apps/plot/line_chart.h"
#include "apps/plot/run_curves.h"
#include "apps/view/live_curves.h"
#include "core/png_image.h"
#include "core/run_dir.h"
#include "tests/test_util.h"

namespace tp::view {
namespace {

// The newest frame the window recorded.
sf::Image last_recorded_frame(const std::string& dir) {
  std::string newest;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".png" && e.path().string() > newest) newest = e.path().string();
  sf::Image image;
  EXPECT_TRUE(!newest.empty() && image.loadFromFile(newest)) << "no frame in " << dir;
  return image;
}

TEST(LiveCurves, TheWindowShowsWhatPlotDrawsAndWaitsForTheFirstRow) {
  tp::test::TempDir dir;
  const std::string run = dir.file("run");
  const auto r =
      tp::test::run_torchplay("train ppo --env CartPole-v1 --steps 8000 --threads 1 --quiet --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  LiveCurvesOptions o;
  o.run_dir = run;
  o.record_dir = dir.file("frames");
  {
    LiveCurves live(o);
    live.finish();
    EXPECT_GT(live.frames(), 0);
  }
  plot::LineChart chart = plot::learning_curves({run}, {});
  chart.width = LiveCurves::kWidth;
  chart.height = LiveCurves::kHeight;
  chart.title = run;
  const Image expected = plot::render_line_chart(chart);
  const sf::Image shown = last_recorded_frame(o.record_dir);
  ASSERT_EQ(shown.getSize(),
            sf::Vector2u(static_cast<unsigned>(expected.width), static_cast<unsigned>(expected.height)));
  size_t differing = 0;
  for (int y = 0; y < expected.height; ++y)
    for (int x = 0; x < expected.width; ++x) {
      const uint8_t* p = expected.at(x, y);
      differing += shown.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y)) != sf::Color(p[0], p[1], p[2]);
    }
  EXPECT_EQ(differing, 0u);

  // A run with no row yet: a white page with the reason, not a crash or a blank window.
  const std::string fresh = dir.file("fresh");
  std::filesystem::create_directories(fresh);
  std::filesystem::copy_file(run + "/config.ini", fresh + "/config.ini");
  {
    std::ifstream in(run + "/metrics.csv");
    std::string header;
    std::getline(in, header);
    std::ofstream(fresh + "/metrics.csv") << header << "\n";
  }
  o.run_dir = fresh;
  o.record_dir = dir.file("waiting");
  LiveCurves waiting(o);
  waiting.finish();
  const sf::Image page = last_recorded_frame(o.record_dir);
  ASSERT_EQ(page.getSize(), sf::Vector2u(LiveCurves::kWidth, LiveCurves::kHeight));
  size_t white = 0, ink = 0;
  for (unsigned y = 0; y < page.getSize().y; ++y)
    for (unsigned x = 0; x < page.getSize().x; ++x) {
      const sf::Color p = page.getPixel(x, y);
      white += p == sf::Color::White;
      ink += y < 50 && p.r < 128;
    }
  EXPECT_GT(white, static_cast<size_t>(LiveCurves::kWidth * LiveCurves::kHeight) * 9 / 10);
  EXPECT_GT(ink, 50u);  // the waiting line
}

TEST(LiveCurves, ShowRunsWithTheTrainingAndIsNotSavedInTheConfig) {
  tp::test::TempDir dir;
  auto r = tp::test::run_torchplay("train ppo --env CartPole-v1 --steps 4000 --threads 1 --quiet --show --run-dir " +
                                   dir.file("run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string text = read_file(dir.file("run/config.ini"));
  EXPECT_EQ(text.find("show"), std::string::npos) << text;  // a resumed run does not reopen it
  // No display: a one-line error before any training (no run directory is made).
  r = tp::test::run_command("DISPLAY= " + tp::test::torchplay_bin() +
                            " train ppo --env CartPole-v1 --steps 4000 --show --run-dir " + dir.file("none"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no display"), std::string::npos) << r.output;
  EXPECT_LE(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("none")));
}

}  // namespace
}  // namespace tp::view
