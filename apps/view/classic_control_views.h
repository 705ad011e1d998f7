#pragma once
// Classic control scenes with the geometry and colours of Gymnasium 0.29's pygame
// renderings (classic_control/cartpole.py, mountain_car.py, acrobot.py render()).
#include <SFML/Graphics.hpp>

#include <array>

#include "apps/view/env_view.h"

namespace tp::view {

// Observation {x, x_dot, theta, theta_dot}: 600x400, cart on a track at 100 px from the
// bottom, a 125 px pole at angle theta from vertical (positive leans right).
class CartPoleView final : public EnvView {
 public:
  static constexpr float kWidth = 600, kHeight = 400;
  static constexpr float kScale = kWidth / 4.8f;  // world width = 2 * x_threshold
  static constexpr float kCartY = kHeight - 100;  // track height in window coordinates
  static constexpr float kAxleOffset = 30.0f / 4;
  static constexpr float kPoleLength = kScale * 1.0f;  // 2 * half-length 0.5
  static constexpr float kPoleWidth = 10;
  static inline const sf::Color kPoleColor{202, 152, 101};
  static inline const sf::Color kAxleColor{129, 132, 203};

  sf::Vector2u size() const override { return {600, 400}; }
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override;
  // Window position of the pole's pivot for cart position x.
  static sf::Vector2f axle(float x);
};

// Observation {position, velocity}: 600x400, the hill y = sin(3x) * 0.45 + 0.55, the car
// tilted along the slope, the flag at the goal position: 0.5 for MountainCar-v0, 0.45 for
// MountainCarContinuous-v0 (the one scene both Gymnasium renderings share).
class MountainCarView final : public EnvView {
 public:
  static constexpr float kWidth = 600, kHeight = 400;
  static constexpr float kMinPosition = -1.2f, kMaxPosition = 0.6f;
  static constexpr float kScale = kWidth / (kMaxPosition - kMinPosition);
  static inline const sf::Color kFlagColor{204, 204, 0};
  static inline const sf::Color kWheelColor{128, 128, 128};

  explicit MountainCarView(float goal_position = 0.5f) : goal_position_(goal_position) {}
  sf::Vector2u size() const override { return {600, 400}; }
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override;
  float goal_position() const { return goal_position_; }
  static float hill_height(float position);  // world units
  // Window point of the hill (plus a clearance in pixels) at `position`.
  static sf::Vector2f hill_point(float position, float clearance = 0);

 private:
  float goal_position_;
};

// Observation {cos theta, sin theta, theta_dot}: 500x500, a rod of one length unit (rounded
// ends) from the centre at angle theta (0 up, counter-clockwise positive), the black axle on
// top. Gymnasium's torque arrow is left out: it shows the last action, and views draw from
// the observation alone.
class PendulumView final : public EnvView {
 public:
  static constexpr float kSize = 500;
  static constexpr float kScale = kSize / (2 * 2.2f);  // bound 2.2
  static constexpr float kOffset = kSize / 2;
  static constexpr float kRodLength = kScale;
  static constexpr float kRodWidth = 0.2f * kScale;
  static inline const sf::Color kRodColor{204, 77, 77};

  sf::Vector2u size() const override { return {500, 500}; }
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override;
  // Window position of the rod's free end at angle theta.
  static sf::Vector2f rod_end(float theta);
};

// Observation {cos t1, sin t1, cos t2, sin t2, dt1, dt2}: 500x500, two links hanging from
// the centre (t1 from straight down, t2 relative to link 1), the target line one link
// length above the pivot.
class AcrobotView final : public EnvView {
 public:
  static constexpr float kSize = 500;
  static constexpr float kScale = kSize / (2 * 2.2f);  // bound = L1 + L2 + 0.2
  static constexpr float kOffset = kSize / 2;
  static inline const sf::Color kLinkColor{0, 204, 204};
  static inline const sf::Color kJointColor{204, 204, 0};

  sf::Vector2u size() const override { return {500, 500}; }
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override;
  // Window positions of the pivot, the elbow and the tip for angles t1, t2.
  static std::array<sf::Vector2f, 3> joints(float theta1, float theta2);
};

}  // namespace tp::view
