// A real window under Xvfb: what the X server shows in it after present() is the rendered
// frame; keyboard input maps to actions; Escape closes it.
#include <gtest/gtest.h>

#include <cmath>

#include "apps/view/classic_control_views.h"
#include "apps/view/keyboard_policy.h"
#include "apps/view/view_window.h"
#include "envs/registry.h"
#include "tests/view/pixel_util.h"
#include "tests/view/x11_capture.h"

namespace tp::view {
namespace {

sf::Event key_event(sf::Event::EventType type, sf::Keyboard::Key code) {
  sf::Event e;
  e.type = type;
  e.key = {code, false, false, false, false};
  return e;
}

// What the X server shows in the window right now (read back over its own connection).
sf::Image shown_on_screen(const ViewWindow& window) {
  std::string error;
  const auto image = test::capture_x11_window(window.native_handle(), &error);
  EXPECT_TRUE(image.has_value()) << error;
  return image.value_or(sf::Image());
}

int differing_pixels(const sf::Image& a, const sf::Image& b) {
  if (a.getSize() != b.getSize()) return -1;
  int n = 0;
  for (unsigned y = 0; y < a.getSize().y; ++y)
    for (unsigned x = 0; x < a.getSize().x; ++x) n += a.getPixel(x, y) != b.getPixel(x, y);
  return n;
}

// The pixels are read from the X window after present() (not redrawn from the stored
// frame), so this fails when a frame is rendered but never reaches the screen.
TEST(ViewWindow, RealWindowShowsThePresentedFrame) {
  WindowOptions o;
  o.size = {600, 400};
  o.fps = 0;
  o.quiet = true;
  ViewWindow window(o);
  ASSERT_TRUE(window.is_open());
  window.poll();
  CartPoleView view;
  const float left[4] = {0.4f, 0, -0.3f, 0};
  window.present([&](sf::RenderTarget& t) { view.draw(t, {}, left); });
  const sf::Image first = shown_on_screen(window);
  ASSERT_EQ(first.getSize(), sf::Vector2u(600, 400));
  EXPECT_EQ(differing_pixels(first, window.last_frame()), 0);
  // The window's pixels show the pole leaning left at 0.3 rad from the cart at x = 0.4.
  const sf::Vector2f pivot = CartPoleView::axle(0.4f);
  const sf::Vector2f on_pole(pivot.x + 80 * std::sin(-0.3f), pivot.y - 80 * std::cos(-0.3f));
  const sf::Vector2f mirrored(pivot.x + 80 * std::sin(0.3f), on_pole.y);
  EXPECT_EQ(test::at(first, on_pole), CartPoleView::kPoleColor);
  EXPECT_EQ(test::at(first, mirrored), sf::Color::White);

  // A second, different frame (the pole leaning right) replaces those pixels on screen.
  const float right[4] = {0.4f, 0, 0.3f, 0};
  window.present([&](sf::RenderTarget& t) { view.draw(t, {}, right); });
  const sf::Image second = shown_on_screen(window);
  ASSERT_EQ(second.getSize(), sf::Vector2u(600, 400));
  EXPECT_EQ(differing_pixels(second, window.last_frame()), 0);
  EXPECT_GT(differing_pixels(first, second), 100);
  EXPECT_EQ(test::at(second, mirrored), CartPoleView::kPoleColor);
  EXPECT_EQ(test::at(second, on_pole), sf::Color::White);
  window.close();
  EXPECT_FALSE(window.is_open());
}

TEST(ViewWindow, EscapeClosesAndKeysAreTracked) {
  WindowOptions o;
  o.size = {200, 100};
  o.quiet = true;
  ViewWindow window(o);
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Left));
  EXPECT_TRUE(window.key_held(sf::Keyboard::Left));
  EXPECT_TRUE(window.take_pressed(sf::Keyboard::Left));
  EXPECT_FALSE(window.take_pressed(sf::Keyboard::Left));
  window.handle_event(key_event(sf::Event::KeyReleased, sf::Keyboard::Left));
  EXPECT_FALSE(window.key_held(sf::Keyboard::Left));
  EXPECT_TRUE(window.is_open());
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Escape));
  EXPECT_FALSE(window.is_open());
}

TEST(KeyboardPolicy, BindingsFromActionNames) {
  const std::vector<std::string> cartpole = {"push left", "push right"};
  const auto b = bind_action_keys(cartpole);
  auto action_of = [&](const std::vector<KeyBinding>& bs, sf::Keyboard::Key k) {
    for (const auto& x : bs)
      if (x.key == k) return x.action;
    return -1;
  };
  EXPECT_EQ(action_of(b, sf::Keyboard::Left), 0);
  EXPECT_EQ(action_of(b, sf::Keyboard::Right), 1);
  EXPECT_EQ(action_of(b, sf::Keyboard::Num1), 0);
  EXPECT_EQ(action_of(b, sf::Keyboard::Num2), 1);
  EXPECT_EQ(find_noop_action(cartpole), -1);
  EXPECT_EQ(describe_keys(b, cartpole), "keys:  Left/1 push left   Right/2 push right   Esc quit");

  const std::vector<std::string> minatar = {"n", "l", "u", "r", "d", "f"};
  const auto m = bind_action_keys(minatar);
  EXPECT_EQ(find_noop_action(minatar), 0);
  EXPECT_EQ(action_of(m, sf::Keyboard::Left), 1);
  EXPECT_EQ(action_of(m, sf::Keyboard::Up), 2);
  EXPECT_EQ(action_of(m, sf::Keyboard::Right), 3);
  EXPECT_EQ(action_of(m, sf::Keyboard::Down), 4);
  EXPECT_EQ(action_of(m, sf::Keyboard::Space), 5);

  const std::vector<std::string> acrobot = {"torque -1", "torque 0", "torque +1"};
  const auto a = bind_action_keys(acrobot);
  EXPECT_EQ(find_noop_action(acrobot), 1);
  EXPECT_EQ(action_of(a, sf::Keyboard::Left), 0);
  EXPECT_EQ(action_of(a, sf::Keyboard::Right), 2);
}

TEST(KeyboardPolicy, ActsOnKeysAndStopsWhenClosed) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("CartPole-v1");
  env->reset(1);
  std::vector<float> obs(4);
  env->observe(obs.data());
  WindowOptions o;
  o.size = {200, 100};
  o.quiet = true;
  ViewWindow window(o);
  KeyboardPolicy human(window, env->action_names());
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Right));
  EXPECT_EQ(human.act(obs.data(), *env), 1);
  EXPECT_EQ(human.act(obs.data(), *env), 1);  // still held
  window.handle_event(key_event(sf::Event::KeyReleased, sf::Keyboard::Right));
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Num1));
  window.handle_event(key_event(sf::Event::KeyReleased, sf::Keyboard::Num1));  // a quick tap
  EXPECT_EQ(human.act(obs.data(), *env), 0);
  EXPECT_FALSE(human.window_closed());
  window.close();  // no key and no no-op action: act() waits, sees the closed window, returns
  human.act(obs.data(), *env);
  EXPECT_TRUE(human.window_closed());
}

}  // namespace
}  // namespace tp::view
