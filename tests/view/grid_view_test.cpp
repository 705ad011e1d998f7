// Plane observations drawn as coloured grids: a cell has its channel's colour.
#include <gtest/gtest.h>

#include <set>

#include "apps/view/env_view.h"
#include "apps/view/grid_view.h"
#include "envs/registry.h"
#include "tests/view/pixel_util.h"

namespace tp::view {
namespace {

sf::Vector2f centre(const sf::FloatRect& r) { return {r.left + r.width / 2, r.top + r.height / 2}; }

TEST(GridView, CubehelixPaletteIsDistinctAndBrightening) {
  // Cubehelix's defining property: perceived brightness rises monotonically from black to
  // white, so channels stay distinguishable in grey too; samples avoid both ends.
  for (int n : {4, 6, 7, 10}) {
    const auto colors = cubehelix_palette(n);
    ASSERT_EQ(colors.size(), static_cast<size_t>(n));
    std::set<std::tuple<int, int, int>> distinct;
    double previous = 0;
    for (const auto& c : colors) {
      distinct.insert({c.r, c.g, c.b});
      const double luma = 0.3 * c.r + 0.59 * c.g + 0.11 * c.b;  // Green (2011)'s weights
      EXPECT_GT(luma, previous + 5) << n;
      previous = luma;
      EXPECT_NE(c, GridView::kBackground);
      EXPECT_NE(c, sf::Color::White);
    }
    EXPECT_EQ(distinct.size(), static_cast<size_t>(n)) << n;
  }
}

TEST(GridView, CellHasItsChannelsColour) {
  const int C = 6, H = 10, W = 10;
  GridView view(C, H, W, {}, nullptr, 40);
  std::vector<float> obs(C * H * W, 0.0f);
  auto set = [&](int c, int r, int col) { obs[static_cast<size_t>(c * H * W + r * W + col)] = 1.0f; };
  set(0, 0, 0);
  set(2, 3, 7);
  set(5, 9, 9);
  set(1, 5, 5);
  set(4, 5, 5);  // two channels on one cell: the higher one is drawn (MinAtar's rule)
  const sf::Vector2u size = view.size();
  EXPECT_EQ(size, sf::Vector2u(400, 400));
  const sf::Image image = test::render(size.x, size.y, [&](sf::RenderTarget& t) { view.draw(t, {}, obs.data()); });
  EXPECT_EQ(test::at(image, centre(view.cell_rect(0, 0))), view.channel_color(0));
  EXPECT_EQ(test::at(image, centre(view.cell_rect(3, 7))), view.channel_color(2));
  EXPECT_EQ(test::at(image, centre(view.cell_rect(9, 9))), view.channel_color(5));
  EXPECT_EQ(test::at(image, centre(view.cell_rect(5, 5))), view.channel_color(4));
  EXPECT_EQ(test::at(image, centre(view.cell_rect(7, 3))), GridView::kBackground);
  // A whole cell is filled: its corners too (the cell is 40 x 40 px).
  const sf::FloatRect r = view.cell_rect(3, 7);
  EXPECT_EQ(image.getPixel(static_cast<unsigned>(r.left) + 1, static_cast<unsigned>(r.top) + 1), view.channel_color(2));
  EXPECT_EQ(image.getPixel(static_cast<unsigned>(r.left + r.width) - 2, static_cast<unsigned>(r.top + r.height) - 2),
            view.channel_color(2));
  EXPECT_EQ(image.getPixel(static_cast<unsigned>(r.left + r.width) + 1, static_cast<unsigned>(r.top) + 1),
            GridView::kBackground);
}

TEST(GridView, MinAtarChannelNames) {
  EXPECT_EQ(minatar_channel_names("MinAtar/Breakout-v1", 4), (std::vector<std::string>{"paddle", "ball", "trail", "brick"}));
  EXPECT_EQ(minatar_channel_names("MinAtar/Seaquest-v1", 10).size(), 10u);
  EXPECT_TRUE(minatar_channel_names("MinAtar/Breakout-v1", 5).empty());
  EXPECT_TRUE(minatar_channel_names("Snake-v0", 3).empty());
}

}  // namespace
}  // namespace tp::view
