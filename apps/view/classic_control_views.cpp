#include "apps/view/classic_control_views.h"

#include <cmath>

#include "apps/view/shapes.h"

namespace tp::view {

namespace {
// Gymnasium builds its shapes in y-up coordinates and flips the surface at the end; these
// helpers do the flip per point instead: local y-up offsets rotated counter-clockwise by
// `angle` around a window-coordinate anchor.
sf::Vector2f place(sf::Vector2f anchor, float lx, float ly, float angle) {
  const float c = std::cos(angle), s = std::sin(angle);
  return {anchor.x + lx * c - ly * s, anchor.y - (lx * s + ly * c)};
}
}  // namespace

// ---- CartPole ----

sf::Vector2f CartPoleView::axle(float x) { return {x * kScale + kWidth / 2, kCartY - kAxleOffset}; }

void CartPoleView::draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const {
  const float x = obs[0], theta = obs[2];
  const float cart_x = x * kScale + kWidth / 2;
  draw_rect(target, states, {0, 0, kWidth, kHeight}, sf::Color::White);
  draw_polyline(target, states, {{0, kCartY}, {kWidth, kCartY}}, sf::Color::Black);
  draw_rect(target, states, {cart_x - 25, kCartY - 15, 50, 30}, sf::Color::Black);
  // The pole's corners, rotated by -theta (clockwise for a pole leaning right).
  const float l = -kPoleWidth / 2, r = kPoleWidth / 2, t = kPoleLength - kPoleWidth / 2, b = -kPoleWidth / 2;
  const sf::Vector2f a = axle(x);
  draw_polygon(target, states,
               {place(a, l, b, -theta), place(a, l, t, -theta), place(a, r, t, -theta), place(a, r, b, -theta)},
               kPoleColor);
  draw_circle(target, states, a, kPoleWidth / 2, kAxleColor);
}

// ---- MountainCar ----

float MountainCarView::hill_height(float position) { return std::sin(3 * position) * 0.45f + 0.55f; }

sf::Vector2f MountainCarView::hill_point(float position, float clearance) {
  return {(position - kMinPosition) * kScale, kHeight - (hill_height(position) * kScale + clearance)};
}

void MountainCarView::draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const {
  const float pos = obs[0];
  draw_rect(target, states, {0, 0, kWidth, kHeight}, sf::Color::White);
  std::vector<sf::Vector2f> hill;
  for (int i = 0; i < 100; ++i)
    hill.push_back(hill_point(kMinPosition + (kMaxPosition - kMinPosition) * static_cast<float>(i) / 99));
  draw_polyline(target, states, hill, sf::Color::Black);

  const float clearance = 10, angle = std::cos(3 * pos);
  const sf::Vector2f base = hill_point(pos, clearance);
  draw_polygon(
      target, states,
      {place(base, -20, 0, angle), place(base, -20, 20, angle), place(base, 20, 20, angle), place(base, 20, 0, angle)},
      sf::Color::Black);
  for (float wx : {10.0f, -10.0f}) draw_circle(target, states, place(base, wx, 0, angle), 20 / 2.5f, kWheelColor);

  const sf::Vector2f flag_base = hill_point(goal_position_);
  const sf::Vector2f flag_top = flag_base - sf::Vector2f(0, 50);
  draw_polyline(target, states, {flag_base, flag_top}, sf::Color::Black);
  draw_polygon(target, states, {flag_top, flag_top + sf::Vector2f(0, 10), flag_top + sf::Vector2f(25, 5)}, kFlagColor);
}

// ---- Pendulum ----

sf::Vector2f PendulumView::rod_end(float theta) { return place({kOffset, kOffset}, kRodLength, 0, theta + 1.5707963f); }

void PendulumView::draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const {
  const float theta = std::atan2(obs[1], obs[0]);
  const float angle = theta + 1.5707963f;  // Gymnasium rotates the rod (along +x) by theta + pi/2
  const sf::Vector2f pivot(kOffset, kOffset);
  draw_rect(target, states, {0, 0, kSize, kSize}, sf::Color::White);
  const float t = kRodWidth / 2, b = -kRodWidth / 2;
  draw_polygon(target, states,
               {place(pivot, 0, b, angle), place(pivot, 0, t, angle), place(pivot, kRodLength, t, angle),
                place(pivot, kRodLength, b, angle)},
               kRodColor);
  const float end_radius = std::floor(kRodWidth / 2);  // int(rod_width / 2) px
  draw_circle(target, states, pivot, end_radius, kRodColor);
  draw_circle(target, states, rod_end(theta), end_radius, kRodColor);
  draw_circle(target, states, pivot, std::floor(0.05f * kScale), sf::Color::Black);  // the axle
}

// ---- Acrobot ----

std::array<sf::Vector2f, 3> AcrobotView::joints(float theta1, float theta2) {
  const sf::Vector2f p0(kOffset, kOffset);
  const sf::Vector2f p1 = p0 + sf::Vector2f(std::sin(theta1), std::cos(theta1)) * kScale;
  const sf::Vector2f p2 = p1 + sf::Vector2f(std::sin(theta1 + theta2), std::cos(theta1 + theta2)) * kScale;
  return {p0, p1, p2};
}

void AcrobotView::draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const {
  const float theta1 = std::atan2(obs[1], obs[0]), theta2 = std::atan2(obs[3], obs[2]);
  draw_rect(target, states, {0, 0, kSize, kSize}, sf::Color::White);
  // The goal: the tip above this line (one link length above the pivot).
  draw_polyline(target, states,
                {{kOffset - 2.2f * kScale, kOffset - kScale}, {kOffset + 2.2f * kScale, kOffset - kScale}},
                sf::Color::Black);
  const auto p = joints(theta1, theta2);
  for (int link = 0; link < 2; ++link) {
    draw_segment(target, states, p[link], p[link + 1], 0.2f * kScale, kLinkColor);
    draw_circle(target, states, p[link], 0.1f * kScale, kJointColor);
  }
}

}  // namespace tp::view
