// The classic control views draw what the state says (pixels read back from a texture).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "apps/view/classic_control_views.h"
#include "apps/view/env_view_factory.h"
#include "apps/view/font.h"
#include "apps/view/hud.h"
#include "apps/view/shapes.h"
#include "envs/registry.h"
#include "tests/view/pixel_util.h"

namespace tp::view {
namespace {

using test::count_in_box;
using test::pixels_of;
using test::render;

std::vector<float> observe(const envs::Env& env) {
  std::vector<float> obs(static_cast<size_t>(env.observation_space().size()));
  env.observe(obs.data());
  return obs;
}

// The pole's angle from vertical as drawn: the direction from the pivot to the centroid of
// the pole-coloured pixels (the pole is symmetric about its axis).
double drawn_pole_angle(const sf::Image& image, sf::Vector2f pivot, int* pixel_count) {
  const auto pole = pixels_of(image, CartPoleView::kPoleColor);
  *pixel_count = static_cast<int>(pole.size());
  double sx = 0, sy = 0;
  for (const auto& p : pole) sx += p.x, sy += p.y;
  const double n = std::max<double>(1, static_cast<double>(pole.size()));
  return std::atan2(sx / n - pivot.x, pivot.y - sy / n);
}

TEST(CartPoleView, PoleDrawnAtTheStatesAngle) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("CartPole-v1");
  CartPoleView view;
  for (double x : {0.0, 1.2, -1.5})
    for (double theta : {0.0, 0.18, -0.21, 0.7}) {
      env->set_state({x, 0.3, theta, -0.1});
      const auto obs = observe(*env);
      const sf::Image image = render(600, 400, [&](sf::RenderTarget& t) { view.draw(t, {}, obs.data()); });
      int count = 0;
      const double angle = drawn_pole_angle(image, CartPoleView::axle(static_cast<float>(x)), &count);
      EXPECT_NEAR(angle, theta, 0.02) << "x=" << x << " theta=" << theta;
      // A 10 x 125 px pole (the axle covers a little of it).
      EXPECT_GT(count, 1000) << theta;
      EXPECT_LT(count, 1350) << theta;
      // The cart: black, centred on x * 125 + 300, 30 px tall around the track (y = 300).
      const float cx = static_cast<float>(x) * CartPoleView::kScale + 300;
      EXPECT_EQ(image.getPixel(static_cast<unsigned>(cx - 20), 310), sf::Color::Black);
      EXPECT_EQ(image.getPixel(static_cast<unsigned>(cx + 20), 310), sf::Color::Black);
      EXPECT_EQ(image.getPixel(static_cast<unsigned>(cx + 40), 310), sf::Color::White);
    }
}

TEST(CartPoleView, PositiveAngleLeansRight) {
  CartPoleView view;
  const float obs[4] = {0, 0, 0.5f, 0};
  const sf::Image image = render(600, 400, [&](sf::RenderTarget& t) { view.draw(t, {}, obs); });
  const sf::Vector2f pivot = CartPoleView::axle(0);
  const sf::Vector2f tip(pivot.x + 100 * std::sin(0.5f), pivot.y - 100 * std::cos(0.5f));
  EXPECT_EQ(test::at(image, tip), CartPoleView::kPoleColor);
  const sf::Vector2f mirrored(pivot.x - 100 * std::sin(0.5f), tip.y);
  EXPECT_EQ(test::at(image, mirrored), sf::Color::White);
}

// The masked and frame-stacked CartPoles are drawn by CartPole's view: the same pixels as the
// plain env's for the same play.
TEST(CartPoleView, MaskedAndStackedCartPolesDrawTheSameScene) {
  const auto registry = envs::make_env_registry();
  auto plain = registry.make("CartPole-v1");
  auto masked = registry.make("MaskedCartPole-v1");
  auto stacked = registry.make("CartPole-v1", {{"frame_stack", "4"}});
  const auto plain_view = make_env_view(*plain, nullptr);
  const auto masked_view = make_env_view(*masked, nullptr);
  const auto stacked_view = make_env_view(*stacked, nullptr);
  ASSERT_EQ(masked_view->size(), plain_view->size());
  ASSERT_EQ(stacked_view->size(), plain_view->size());
  for (envs::Env* env : {plain.get(), masked.get(), stacked.get()}) env->reset(3);
  for (int t = 0; t < 12; ++t) {
    for (envs::Env* env : {plain.get(), masked.get(), stacked.get()}) env->step(t % 3 == 0 ? 0 : 1);
    if (t % 4 != 3) continue;
    auto draw = [](const EnvView& view, const envs::Env& env) {
      const auto obs = observe(env);
      return render(600, 400, [&](sf::RenderTarget& target) { view.draw(target, {}, obs.data()); });
    };
    const sf::Image want = draw(*plain_view, *plain);
    int count = 0;
    drawn_pole_angle(want, CartPoleView::axle(observe(*plain)[0]), &count);
    ASSERT_GT(count, 1000);
    for (const auto& [view, env] : {std::pair<const EnvView*, const envs::Env*>{masked_view.get(), masked.get()},
                                    {stacked_view.get(), stacked.get()}}) {
      const sf::Image got = draw(*view, *env);
      ASSERT_EQ(got.getSize(), want.getSize());
      EXPECT_TRUE(std::equal(got.getPixelsPtr(), got.getPixelsPtr() + 600 * 400 * 4, want.getPixelsPtr()))
          << env->id() << " step " << t;
    }
  }
}

TEST(MountainCarView, CarSitsOnTheHillAtItsPosition) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("MountainCar-v0");
  MountainCarView view;
  for (double pos : {-1.0, -0.5, 0.2, 0.45}) {
    env->set_state({pos, 0.0});
    const auto obs = observe(*env);
    const sf::Image image = render(600, 400, [&](sf::RenderTarget& t) { view.draw(t, {}, obs.data()); });
    // The car body (40 x 20 px, black) sits 10 px above the hill at the position, tilted
    // along the slope: a 12 x 6 px box above the wheels is all car ...
    const float angle = std::cos(3 * static_cast<float>(pos));
    const sf::Vector2f base = MountainCarView::hill_point(static_cast<float>(pos), 10);
    const sf::Vector2f centre = base + sf::Vector2f(-14 * std::sin(angle), -14 * std::cos(angle));
    EXPECT_GE(count_in_box(image, sf::Color::Black, {centre.x - 6, centre.y - 3, 12, 6}), 66) << pos;
    // ... and the same box elsewhere on the hill holds no more than the one-pixel line.
    const float other = pos < 0 ? 0.3f : -0.8f;
    const sf::Vector2f away = MountainCarView::hill_point(other, 20);
    EXPECT_LT(count_in_box(image, sf::Color::Black, {away.x - 6, away.y - 3, 12, 6}), 20) << pos;
    // Wheels are grey, the flag is at the goal.
    EXPECT_GT(pixels_of(image, MountainCarView::kWheelColor).size(), 200u);
    const sf::Vector2f flag = MountainCarView::hill_point(0.5f) + sf::Vector2f(8, -45);
    EXPECT_EQ(test::at(image, flag), MountainCarView::kFlagColor);
  }
}

TEST(MountainCarView, ContinuousVersionPlantsTheFlagAt045) {
  // MountainCarContinuous-v0 shares the scene; only the goal (the flag) moves to 0.45.
  const auto registry = envs::make_env_registry();
  auto env = registry.make("MountainCarContinuous-v0");
  const auto view = make_env_view(*env, nullptr);
  ASSERT_EQ(view->size(), sf::Vector2u(600, 400));
  env->set_state({-0.3, 0.0});
  const auto obs = observe(*env);
  const sf::Image image = render(600, 400, [&](sf::RenderTarget& t) { view->draw(t, {}, obs.data()); });
  EXPECT_EQ(test::at(image, MountainCarView::hill_point(0.45f) + sf::Vector2f(8, -45)), MountainCarView::kFlagColor);
  EXPECT_NE(test::at(image, MountainCarView::hill_point(0.5f) + sf::Vector2f(20, -45)), MountainCarView::kFlagColor);
  const float angle = std::cos(3 * -0.3f);
  const sf::Vector2f base = MountainCarView::hill_point(-0.3f, 10);
  const sf::Vector2f centre = base + sf::Vector2f(-14 * std::sin(angle), -14 * std::cos(angle));
  EXPECT_GE(count_in_box(image, sf::Color::Black, {centre.x - 6, centre.y - 3, 12, 6}), 66);
}

// The rod's direction as drawn: from the pivot to the centroid of the rod-coloured pixels,
// as an angle from straight up, counter-clockwise positive (Gymnasium's theta).
double drawn_rod_angle(const sf::Image& image, int* pixel_count) {
  const auto rod = pixels_of(image, PendulumView::kRodColor);
  *pixel_count = static_cast<int>(rod.size());
  double sx = 0, sy = 0;
  for (const auto& p : rod) sx += p.x, sy += p.y;
  const double n = std::max<double>(1, static_cast<double>(rod.size()));
  return std::atan2(-(sx / n - PendulumView::kOffset), PendulumView::kOffset - sy / n);
}

TEST(PendulumView, RodPointsAtTheStatesAngle) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("Pendulum-v1");
  const auto view = make_env_view(*env, nullptr);
  ASSERT_EQ(view->size(), sf::Vector2u(500, 500));
  for (double theta : {0.0, 0.4, -1.2, 2.5, 3.1, -2.9, 7.0}) {
    env->set_state({theta, 0.5});
    const auto obs = observe(*env);
    const sf::Image image = render(500, 500, [&](sf::RenderTarget& t) { view->draw(t, {}, obs.data()); });
    int count = 0;
    const double drawn = drawn_rod_angle(image, &count);
    EXPECT_NEAR(std::remainder(drawn - theta, 2 * 3.141592653589793), 0.0, 0.02) << theta;
    // A 113.6 x 22.7 px rod with round ends (the black axle covers a little of it).
    EXPECT_GT(count, 2600) << theta;
    EXPECT_LT(count, 3400) << theta;
    // The free end is rod-coloured; the point opposite it is background.
    const sf::Vector2f end = PendulumView::rod_end(static_cast<float>(theta));
    const sf::Vector2f centre(PendulumView::kOffset, PendulumView::kOffset);
    EXPECT_EQ(test::at(image, end), PendulumView::kRodColor) << theta;
    EXPECT_EQ(test::at(image, centre * 2.0f - end), sf::Color::White) << theta;
    EXPECT_EQ(test::at(image, centre), sf::Color::Black);  // the axle
  }
  // theta = pi/2 (counter-clockwise a quarter turn): the rod points left.
  const float left[3] = {0, 1, 0};
  const sf::Image image = render(500, 500, [&](sf::RenderTarget& t) { view->draw(t, {}, left); });
  EXPECT_EQ(test::at(image, {250 - 80, 250}), PendulumView::kRodColor);
  EXPECT_EQ(test::at(image, {250 + 80, 250}), sf::Color::White);
  EXPECT_EQ(test::at(image, {250, 250 - 80}), sf::Color::White);
}

TEST(AcrobotView, LinksFollowTheAngles) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("Acrobot-v1");
  AcrobotView view;
  for (auto [t1, t2] : {std::pair{0.0, 0.0}, {1.0, 0.5}, {-2.0, 1.2}, {3.0, -2.5}}) {
    env->set_state({t1, t2, 0.0, 0.0});
    const auto obs = observe(*env);
    const sf::Image image = render(500, 500, [&](sf::RenderTarget& t) { view.draw(t, {}, obs.data()); });
    const auto p = AcrobotView::joints(static_cast<float>(t1), static_cast<float>(t2));
    // Mid-link points are link-coloured, joints are joint-coloured, and the tip region
    // beyond the second link is not drawn.
    EXPECT_EQ(test::at(image, (p[0] + p[1]) / 2.0f), AcrobotView::kLinkColor) << t1 << "," << t2;
    EXPECT_EQ(test::at(image, p[1] * 0.25f + p[2] * 0.75f), AcrobotView::kLinkColor) << t1 << "," << t2;
    EXPECT_EQ(test::at(image, p[0]), AcrobotView::kJointColor);
    EXPECT_EQ(test::at(image, p[1]), AcrobotView::kJointColor);
    const sf::Vector2f beyond = p[2] + (p[2] - p[1]) * 0.3f;
    EXPECT_NE(test::at(image, beyond), AcrobotView::kLinkColor);
  }
  // Hanging straight down: link 1 is below the pivot.
  const float down[6] = {1, 0, 1, 0, 0, 0};
  const sf::Image image = render(500, 500, [&](sf::RenderTarget& t) { view.draw(t, {}, down); });
  EXPECT_EQ(test::at(image, {250, 250 + 0.5f * AcrobotView::kScale}), AcrobotView::kLinkColor);
  EXPECT_EQ(test::at(image, {250, 250 - 0.5f * AcrobotView::kScale}), sf::Color::White);
}

}  // namespace
}  // namespace tp::view

namespace tp::view {
namespace {

// A long agent name is cut in the middle: the env and the episode number stay on screen.
TEST(Hud, LongLinesAreShortenedInTheMiddle) {
  sf::Font font;
  load_ui_font(font);
  const std::string line =
      "CartPole-v1   agent: dqn:/home/someone/experiments/2026/runs/dqn-CartPole-v1-20261202-063412/"
      "checkpoints/ckpt-000000080000.tpck   episode 3/10";
  const std::string fitted = fit_text(font, line, kHudFontSize, 580);
  EXPECT_LT(fitted.size(), line.size());
  EXPECT_EQ(fitted.rfind("CartPole-v1   agent: dqn:", 0), 0u) << fitted;
  EXPECT_EQ(fitted.substr(fitted.size() - 12), "episode 3/10") << fitted;
  EXPECT_NE(fitted.find("..."), std::string::npos);
  const sf::Text drawn(fitted, font, kHudFontSize);
  EXPECT_LE(drawn.getLocalBounds().left + drawn.getLocalBounds().width, 580);
  EXPECT_EQ(fit_text(font, "short", kHudFontSize, 580), "short");
}

}  // namespace
}  // namespace tp::view
