#pragma once
// MinAtar Asterix (upstream minatar/environments/asterix.py). The player moves in four
// directions (rows 1..8); enemies and gold spawn at a side of a free lane every
// `spawn_speed` frames (gold with probability 1/3) and cross the screen every `move_speed`
// frames. +1 per gold collected; touching an enemy ends the episode. With ramping, every
// 100 frames the spawn interval shrinks (10 -> 1) and, every other ramp, the move interval
// (5 -> 1). Channels: player, enemy, trail, gold. Minimal actions: n, l, u, r, d.
#include <array>

#include "envs/minatar/minatar_env.h"

namespace tp::envs {

class Asterix final : public MinAtarEnv {
 public:
  static constexpr int kRampInterval = 100;
  static constexpr int kInitSpawnSpeed = 10;
  static constexpr int kInitMoveInterval = 5;

  struct Entity {
    bool active = false;
    int x = 0, y = 0;
    bool right = false;  // moving right (spawned on the left)
    bool gold = false;
  };
  struct Fields {
    int player_x = 5, player_y = 5;
    std::array<Entity, 8> entities{};  // slot i lives in row i + 1
    int spawn_speed = kInitSpawnSpeed, spawn_timer = kInitSpawnSpeed;
    int move_speed = kInitMoveInterval, move_timer = kInitMoveInterval;
    int ramp_timer = kRampInterval, ramp_index = 0;
  };

  explicit Asterix(const MinAtarOptions& options, const std::string& id = "MinAtar/Asterix-v1");

  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Asterix>(*this); }
  int difficulty_ramp() const override { return f_.ramp_index; }

  const Fields& fields() const { return f_; }

 protected:
  void game_reset() override;
  float game_act(int action, bool& terminal) override;
  void game_save(std::vector<double>& out) const override;
  void game_load(const double* in, size_t n) override;

 private:
  void spawn_entity();
  template <class T>
  void write_planes(T* out) const;
  Fields f_;
};

}  // namespace tp::envs
