// A real window under Xvfb: what the X server shows in it after present() is the rendered
// frame; keyboard input maps to actions; Escape closes it.
#include <gtest/gtest.h>

#include <cmath>

#include "apps/view/classic_control_views.h"
#include "apps/view/env_view_factory.h"
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

// A test window: `size`, no log lines, `fps` frames per second (0: no waiting).
WindowOptions quiet_window(sf::Vector2u size, double fps = 30) {
  WindowOptions o;
  o.size = size;
  o.fps = fps;
  o.quiet = true;
  return o;
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
  ViewWindow window(quiet_window({600, 400}, 0));
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

// Pendulum-v1 and MountainCarContinuous-v0 in a real window: the X server's pixels show the
// rod at the state's angle and the car at its position.
TEST(ViewWindow, RealWindowShowsContinuousControlStates) {
  const auto registry = envs::make_env_registry();
  auto pendulum = registry.make("Pendulum-v1");
  ViewWindow window(quiet_window({500, 500}, 0));
  ASSERT_TRUE(window.is_open());
  window.poll();
  const auto rod_view = make_env_view(*pendulum, nullptr);
  std::vector<float> obs(3);
  for (double theta : {0.6, -2.0}) {
    pendulum->set_state({theta, 0.0});
    pendulum->observe(obs.data());
    window.present([&](sf::RenderTarget& t) { rod_view->draw(t, {}, obs.data()); });
    const sf::Image shown = shown_on_screen(window);
    ASSERT_EQ(shown.getSize(), sf::Vector2u(500, 500));
    // Along the rod (0.8 of its length, Gymnasium's theta: 0 up, counter-clockwise) and
    // mirrored through the pivot.
    const sf::Vector2f centre(PendulumView::kOffset, PendulumView::kOffset);
    const sf::Vector2f on_rod = centre + (PendulumView::rod_end(static_cast<float>(theta)) - centre) * 0.8f;
    EXPECT_EQ(test::at(shown, on_rod), PendulumView::kRodColor) << theta;
    EXPECT_EQ(test::at(shown, centre * 2.0f - on_rod), sf::Color::White) << theta;
  }
  window.close();

  auto car = registry.make("MountainCarContinuous-v0");
  ViewWindow car_window(quiet_window({600, 400}, 0));
  car_window.poll();
  const auto car_view = make_env_view(*car, nullptr);
  for (double pos : {-0.9, 0.3}) {
    car->set_state({pos, 0.0});
    car->observe(obs.data());
    car_window.present([&](sf::RenderTarget& t) { car_view->draw(t, {}, obs.data()); });
    const sf::Image shown = shown_on_screen(car_window);
    ASSERT_EQ(shown.getSize(), sf::Vector2u(600, 400));
    // The car body, black, 14 px up the slope's normal from its base on the hill.
    const float angle = std::cos(3 * static_cast<float>(pos));
    const sf::Vector2f body = MountainCarView::hill_point(static_cast<float>(pos), 10) +
                              sf::Vector2f(-14 * std::sin(angle), -14 * std::cos(angle));
    EXPECT_EQ(test::at(shown, body), sf::Color::Black) << pos;
    const sf::Vector2f elsewhere = MountainCarView::hill_point(pos < 0 ? 0.2f : -0.7f, 24);
    EXPECT_EQ(test::at(shown, elsewhere), sf::Color::White) << pos;
    EXPECT_EQ(test::at(shown, MountainCarView::hill_point(0.45f) + sf::Vector2f(8, -45)), MountainCarView::kFlagColor);
  }
}

// A window resized from outside (its border dragged, a tiling window manager) shows the
// scene scaled to fit between black bars, and clicks reach the views in scene coordinates.
TEST(ViewWindow, ResizedWindowLetterboxesTheSceneAndMapsClicks) {
  ViewWindow window(quiet_window({300, 200}, 0));
  const auto draw = [](sf::RenderTarget& t) {  // left half red, right half blue
    t.clear(sf::Color(200, 30, 30));
    sf::RectangleShape right({150, 200});
    right.setPosition(150, 0);
    right.setFillColor(sf::Color(30, 30, 200));
    t.draw(right);
  };
  window.present(draw);
  ASSERT_TRUE(test::resize_x11_window(window.native_handle(), 900, 300));
  // The server reports the new size as an event; poll until it has arrived.
  for (int i = 0; i < 200 && shown_on_screen(window).getSize() != sf::Vector2u(900, 300); ++i) window.poll();
  std::vector<sf::Vector2i> clicks;
  const auto on_event = [&](const sf::Event& e) {
    if (e.type == sf::Event::MouseButtonPressed) clicks.emplace_back(e.mouseButton.x, e.mouseButton.y);
  };
  for (int i = 0; i < 20; ++i) window.poll(on_event);
  window.present(draw);
  const sf::Image shown = shown_on_screen(window);
  ASSERT_EQ(shown.getSize(), sf::Vector2u(900, 300));
  // Scale 1.5 (300 / 200): the scene is 450 x 300, centred with 225-pixel bars.
  EXPECT_EQ(shown.getPixel(100, 150), sf::Color::Black);  // left bar
  EXPECT_EQ(shown.getPixel(800, 150), sf::Color::Black);  // right bar
  EXPECT_EQ(shown.getPixel(300, 150), sf::Color(200, 30, 30));
  EXPECT_EQ(shown.getPixel(600, 150), sf::Color(30, 30, 200));
  EXPECT_EQ(window.last_frame().getSize(), sf::Vector2u(300, 200));  // recordings keep the scene size
  // A click at window pixel (225 + 1.5 * 100, 1.5 * 50) is scene point (100, 50).
  sf::Event click;
  click.type = sf::Event::MouseButtonPressed;
  click.mouseButton = {sf::Mouse::Left, 375, 75};
  window.handle_event(click, on_event);
  ASSERT_EQ(clicks.size(), 1u);
  EXPECT_EQ(clicks[0], sf::Vector2i(100, 50));
  EXPECT_EQ(window.scene_point(225, 0), sf::Vector2f(0, 0));
}

TEST(ViewWindow, EscapeClosesAndKeysAreTracked) {
  ViewWindow window(quiet_window({200, 100}));
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

// The final frame stays up in interactive runs only: Space asks for the episodes again, and
// Escape (or a run that is not interactive) ends at once.
TEST(ViewWindow, HoldFinalFrameWaitsForSpaceOrEscape) {
  WindowOptions o = quiet_window({200, 100});
  const auto draw = [](sf::RenderTarget& t) { t.clear(sf::Color(10, 200, 30)); };
  {
    ViewWindow scripted(o);  // hold_at_end off: what tests and scripts get
    scripted.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Space));
    EXPECT_FALSE(scripted.hold_final_frame(draw));
  }
  o.hold_at_end = true;
  ViewWindow window(o);
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Space));
  EXPECT_TRUE(window.hold_final_frame(draw));
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Escape));
  EXPECT_FALSE(window.hold_final_frame(draw));
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
  ViewWindow window(quiet_window({200, 100}));
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

TEST(KeyboardPolicy, ContinuousLeftRightGiveTheBoxBoundsAndNoKeyZero) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("Pendulum-v1");
  env->reset(1);
  std::vector<float> obs(3);
  env->observe(obs.data());
  EXPECT_EQ(describe_continuous_keys(*env->continuous_action_space()),
            "keys:  Left -2   Right +2   no key 0   Esc quit");
  ViewWindow window(quiet_window({200, 100}));
  KeyboardPolicy human(window, env->action_names());
  float torque = 99;
  human.act_continuous(obs.data(), *env, &torque);
  EXPECT_EQ(torque, 0.0f);  // no key: real time, zero torque
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Left));
  human.act_continuous(obs.data(), *env, &torque);
  EXPECT_EQ(torque, -2.0f);
  human.act_continuous(obs.data(), *env, &torque);
  EXPECT_EQ(torque, -2.0f);  // still held
  window.handle_event(key_event(sf::Event::KeyReleased, sf::Keyboard::Left));
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Right));
  window.handle_event(key_event(sf::Event::KeyReleased, sf::Keyboard::Right));  // a quick tap
  human.act_continuous(obs.data(), *env, &torque);
  EXPECT_EQ(torque, 2.0f);
  human.act_continuous(obs.data(), *env, &torque);
  EXPECT_EQ(torque, 0.0f);
  auto car = registry.make("MountainCarContinuous-v0");
  window.handle_event(key_event(sf::Event::KeyPressed, sf::Keyboard::Right));
  human.act_continuous(obs.data(), *car, &torque);
  EXPECT_EQ(torque, 1.0f);
  EXPECT_FALSE(human.window_closed());
  window.close();
  human.act_continuous(obs.data(), *env, &torque);
  EXPECT_TRUE(human.window_closed());
  EXPECT_EQ(torque, 0.0f);
}

}  // namespace
}  // namespace tp::view
