#pragma once
// MinAtar SpaceInvaders (upstream minatar/environments/space_invaders.py). The cannon moves
// along the bottom row and fires upward (cool-down 5 frames); a 4x6 block of aliens moves
// sideways every `enemy_move_interval` frames (faster as fewer remain: the move timer is
// min(aliens left, interval)), steps down and turns at an edge, and the alien nearest the
// cannon fires every 10 frames. +1 per alien shot; a cleared wave respawns, with ramping one
// frame faster (interval 12 down to 6). The episode ends when an alien or a bullet reaches
// the cannon (or aliens reach the bottom row while turning).
// Channels: cannon, alien, alien_left, alien_right, friendly_bullet, enemy_bullet.
// Minimal actions: n, l, r, f.
#include <array>

#include "envs/minatar/minatar_env.h"

namespace tp::envs {

class SpaceInvaders final : public MinAtarEnv {
 public:
  static constexpr int kShotCoolDown = 5;
  static constexpr int kEnemyMoveInterval = 12;
  static constexpr int kEnemyShotInterval = 10;
  using Plane = std::array<uint16_t, 10>;  // bit x of row y

  struct Fields {
    int pos = 5;
    Plane f_bullets{}, e_bullets{}, aliens{};
    int alien_dir = -1;
    int enemy_move_interval = kEnemyMoveInterval;
    int alien_move_timer = kEnemyMoveInterval;
    int alien_shot_timer = kEnemyShotInterval;
    int ramp_index = 0;
    int shot_timer = 0;
  };

  explicit SpaceInvaders(const MinAtarOptions& options, const std::string& id = "MinAtar/SpaceInvaders-v1");

  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<SpaceInvaders>(*this); }
  int difficulty_ramp() const override { return f_.ramp_index; }

  const Fields& fields() const { return f_; }

 protected:
  void game_reset() override;
  float game_act(int action, bool& terminal) override;
  void game_save(std::vector<double>& out) const override;
  void game_load(const double* in, size_t n) override;

 private:
  template <class T>
  void write_planes(T* out) const;
  Fields f_;
};

}  // namespace tp::envs
