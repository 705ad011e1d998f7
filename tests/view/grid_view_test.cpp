// Plane observations drawn as coloured grids: a cell has its channel's colour.
#include <gtest/gtest.h>

#include <set>

#include "apps/view/env_view_factory.h"
#include "apps/view/grid_view.h"
#include "envs/registry.h"
#include "envs/snake/snake.h"
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
  EXPECT_EQ(size, sf::Vector2u(400 + 200, 400));  // the grid and the legend
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

// Every MinAtar game, a few steps in: each cell shows the colour of its highest active
// channel (MinAtar's GUI rule), empty cells the background.
TEST(GridView, MinAtarCellsHaveTheirChannelsColour) {
  const auto registry = envs::make_env_registry();
  sf::Font font;
  for (const char* id : {"MinAtar/Breakout-v1", "MinAtar/SpaceInvaders-v1", "MinAtar/Freeway-v1", "MinAtar/Asterix-v1",
                         "MinAtar/Seaquest-v1"}) {
    auto env = registry.make(id);
    env->reset(7);
    for (int t = 0; t < 12; ++t)
      if (env->step(t % env->action_space().n).done()) env->reset();
    std::vector<float> obs(static_cast<size_t>(env->observation_space().size()));
    env->observe(obs.data());
    const auto view = make_env_view(*env, &font);
    auto* grid = dynamic_cast<GridView*>(view.get());
    ASSERT_NE(grid, nullptr) << id;
    const int C = env->observation_space().shape[0];
    const sf::Vector2u size = view->size();
    const sf::Image image = test::render(size.x, size.y, [&](sf::RenderTarget& t) { view->draw(t, {}, obs.data()); });
    int occupied = 0;
    for (int r = 0; r < 10; ++r)
      for (int col = 0; col < 10; ++col) {
        int top = -1;
        for (int c = 0; c < C; ++c)
          if (obs[static_cast<size_t>(c * 100 + r * 10 + col)] > 0.5f) top = c;
        const sf::Color expected = top >= 0 ? grid->channel_color(top) : GridView::kBackground;
        occupied += top >= 0;
        EXPECT_EQ(test::at(image, centre(grid->cell_rect(r, col))), expected) << id << " cell " << r << "," << col;
      }
    EXPECT_GT(occupied, 0) << id;
  }
}

TEST(SnakeView, HeadBodyAndFoodWhereTheEnvSaysTheyAre) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("Snake-v0");
  env->reset(3);
  env->step(1);
  env->step(2);
  const auto* snake = dynamic_cast<const envs::Snake*>(env.get());
  ASSERT_NE(snake, nullptr);
  std::vector<float> obs(static_cast<size_t>(env->observation_space().size()));
  env->observe(obs.data());
  const auto view = make_env_view(*env, nullptr);
  auto* sv = dynamic_cast<SnakeView*>(view.get());
  ASSERT_NE(sv, nullptr);
  const sf::Image image =
      test::render(view->size().x, view->size().y, [&](sf::RenderTarget& t) { view->draw(t, {}, obs.data()); });
  auto below_centre = [&](envs::Snake::Cell c) {  // below the eyes
    const sf::FloatRect r = sv->cell_rect(c.row, c.col);
    return sf::Vector2f(r.left + r.width / 2, r.top + r.height * 0.75f);
  };
  EXPECT_EQ(test::at(image, below_centre(snake->body(0))), SnakeView::kHead);
  for (int i = 1; i < snake->length(); ++i)
    EXPECT_EQ(test::at(image, below_centre(snake->body(i))), SnakeView::kBody) << i;
  const sf::FloatRect food = sv->cell_rect(snake->food().row, snake->food().col);
  EXPECT_EQ(test::at(image, {food.left + food.width / 2, food.top + food.height / 2}), SnakeView::kFood);
}

}  // namespace
}  // namespace tp::view
