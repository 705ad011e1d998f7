#include "envs/snake/snake.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

// A state with the snake's body (head first), heading and food set by hand.
void place(Snake& s, const std::vector<Snake::Cell>& body, int heading, Snake::Cell food) {
  std::vector<double> st = s.get_state();
  st.resize(4 + kRngStateDoubles);
  st[1] = 0;  // elapsed
  st[2] = 0;  // not done
  st[3] = heading;
  st.push_back(food.row);
  st.push_back(food.col);
  st.push_back(static_cast<double>(body.size()));
  for (const auto& c : body) {
    st.push_back(c.row);
    st.push_back(c.col);
  }
  s.set_state(st);
}

float plane(const Snake& s, int channel, int r, int c) {
  std::vector<float> obs(static_cast<size_t>(s.observation_space().size()));
  s.observe(obs.data());
  return obs[static_cast<size_t>(channel * 100 + r * 10 + c)];
}

TEST(Snake, StartState) {
  Snake s;
  s.reset(1);
  EXPECT_EQ(s.length(), 3);
  EXPECT_EQ(s.body(0), (Snake::Cell{5, 5}));
  EXPECT_EQ(s.body(2), (Snake::Cell{5, 3}));
  EXPECT_EQ(s.heading(), Snake::kRight);
  EXPECT_EQ(plane(s, 0, 5, 5), 1.0f);
  EXPECT_EQ(plane(s, 1, 5, 4), 1.0f);
  EXPECT_EQ(plane(s, 1, 5, 5), 0.0f);  // the head is not in the body plane
  EXPECT_EQ(plane(s, 2, s.food().row, s.food().col), 1.0f);
  EXPECT_EQ(s.observation_space().shape, (std::vector<int>{3, 10, 10}));
}

TEST(Snake, EatingGrowsAndScores) {
  Snake s;
  s.reset(1);
  place(s, {{5, 5}, {5, 4}, {5, 3}}, Snake::kRight, {5, 6});
  const StepResult r = s.step(Snake::kRight);
  EXPECT_EQ(r.reward, 1.0f);
  EXPECT_FALSE(r.done());
  EXPECT_EQ(s.length(), 4);
  EXPECT_EQ(s.body(0), (Snake::Cell{5, 6}));
  EXPECT_EQ(s.body(3), (Snake::Cell{5, 3}));
  EXPECT_FALSE(s.food() == (Snake::Cell{5, 6}));  // new food elsewhere, on a free cell
  for (int i = 0; i < s.length(); ++i) EXPECT_FALSE(s.food() == s.body(i));
}

TEST(Snake, MovingWithoutFood) {
  Snake s;
  s.reset(1);
  place(s, {{5, 5}, {5, 4}, {5, 3}}, Snake::kRight, {0, 0});
  EXPECT_EQ(s.step(Snake::kDown).reward, 0.0f);
  EXPECT_EQ(s.body(0), (Snake::Cell{6, 5}));
  EXPECT_EQ(s.body(2), (Snake::Cell{5, 4}));
  EXPECT_EQ(s.length(), 3);
}

TEST(Snake, WallAndSelfCollisionsKill) {
  Snake s;
  s.reset(1);
  place(s, {{0, 5}, {1, 5}, {2, 5}}, Snake::kUp, {9, 9});
  StepResult r = s.step(Snake::kUp);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reward, -1.0f);
  // A U-shaped snake turning into its own body.
  place(s, {{5, 5}, {5, 4}, {6, 4}, {6, 5}, {6, 6}}, Snake::kRight, {0, 0});
  r = s.step(Snake::kDown);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reward, -1.0f);
}

TEST(Snake, TheTailCellCanBeEntered) {
  Snake s;
  s.reset(1);
  place(s, {{5, 5}, {5, 4}, {6, 4}, {6, 5}}, Snake::kRight, {0, 0});  // the tail (6,5) moves away
  EXPECT_FALSE(s.step(Snake::kDown).done());
  EXPECT_EQ(s.body(0), (Snake::Cell{6, 5}));
}

TEST(Snake, TurningBackIsIgnored) {
  Snake s;
  s.reset(1);
  place(s, {{5, 5}, {5, 4}, {5, 3}}, Snake::kRight, {0, 0});
  EXPECT_FALSE(s.step(Snake::kLeft).done());
  EXPECT_EQ(s.body(0), (Snake::Cell{5, 6}));
  EXPECT_EQ(s.heading(), Snake::kRight);
}

TEST(Snake, TruncatedAtTheTimeLimit) {
  auto env = make_env_registry().make("Snake-v0", {{"max_episode_steps", "4"}, {"size", "8"}});
  EXPECT_EQ(env->observation_space().shape, (std::vector<int>{3, 8, 8}));
  auto& s = dynamic_cast<Snake&>(*env);
  s.reset(2);
  place(s, {{4, 1}, {4, 0}}, Snake::kRight, {0, 0});
  StepResult r;
  for (int i = 0; i < 4; ++i) r = s.step(Snake::kRight);
  EXPECT_TRUE(r.truncated);
  EXPECT_FALSE(r.terminated);
  EXPECT_THROW(make_env_registry().make("Snake-v0", {{"size", "3"}}), UsageError);
}

TEST(Snake, FillingTheBoardEndsTheEpisode) {
  Snake s(5);
  s.reset(0);
  // A 5x5 board filled but for one cell, the food right in front of the head.
  std::vector<Snake::Cell> body;
  for (int r = 0; r < 5; ++r)
    for (int k = 0; k < 5; ++k) {
      const int c = r % 2 == 0 ? k : 4 - k;  // boustrophedon from (0,0)
      body.push_back({r, c});
    }
  // The path minus its last cell, head (4,3) first, heading right into the food at (4,4).
  std::vector<Snake::Cell> snake(body.rbegin() + 1, body.rend());
  place(s, snake, Snake::kRight, {4, 4});
  const StepResult r = s.step(Snake::kRight);
  EXPECT_EQ(r.reward, 1.0f);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(s.length(), 25);
  EXPECT_EQ(s.food().row, -1);
}

}  // namespace
}  // namespace tp::envs
