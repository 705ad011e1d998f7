#pragma once
// MinAtar Seaquest (upstream minatar/environments/seaquest.py). The player's submarine
// (front and back cells, so its heading shows) moves in rows 0..8 and fires sideways
// (cool-down 5). Enemy fish and submarines (which shoot) and divers cross the screen in
// rows 1..8. +1 per enemy shot. Divers picked up (at most 6) fill a gauge; oxygen (200
// frames, shown as a 10-cell gauge) runs down below the surface. Surfacing with divers
// restores oxygen and costs one diver; surfacing with all 6 empties the gauge and scores
// oxygen * 10 / 200 (then, as upstream, the count drops to -1: an upstream quirk kept for
// fidelity, see docs/envs.md). Each surfacing ramps difficulty (enemy spawn interval 20 -> 1,
// every other time the move interval 5 -> 2). The episode ends on contact with an enemy or
// enemy bullet, when oxygen runs out, or when surfacing with no diver.
// Channels: sub_front, sub_back, friendly_bullet, trail, enemy_bullet, enemy_fish, enemy_sub,
// oxygen_guage, diver_guage, diver (upstream's names and order). Minimal actions: all six.
//
// Entity lists follow Python list semantics exactly (reverse iteration while removing,
// list.remove() deleting the first equal element), so updates happen in upstream's order.
#include <vector>

#include "envs/minatar/minatar_env.h"

namespace tp::envs {

class Seaquest final : public MinAtarEnv {
 public:
  static constexpr int kRampInterval = 100;
  static constexpr int kMaxOxygen = 200;
  static constexpr int kInitSpawnSpeed = 20;
  static constexpr int kDiverSpawnSpeed = 30;
  static constexpr int kInitMoveInterval = 5;
  static constexpr int kShotCoolDown = 5;
  static constexpr int kEnemyShotInterval = 10;
  static constexpr int kDiverMoveInterval = 5;

  struct Bullet {  // friendly or enemy
    int x, y;
    bool right;
    bool operator==(const Bullet& o) const { return x == o.x && y == o.y && right == o.right; }
  };
  struct Mover {  // fish, enemy sub (shot_timer used) or diver
    int x, y;
    bool right;
    int move_timer;
    int shot_timer;  // enemy subs only (0 otherwise)
    bool operator==(const Mover& o) const {
      return x == o.x && y == o.y && right == o.right && move_timer == o.move_timer && shot_timer == o.shot_timer;
    }
  };
  struct Fields {
    int oxygen = kMaxOxygen, diver_count = 0;
    int sub_x = 5, sub_y = 0;
    bool sub_right = false;  // heading (upstream sub_or: False = left)
    std::vector<Bullet> f_bullets, e_bullets;
    std::vector<Mover> e_fish, e_subs, divers;
    int e_spawn_speed = kInitSpawnSpeed, e_spawn_timer = kInitSpawnSpeed, d_spawn_timer = kDiverSpawnSpeed;
    int move_speed = kInitMoveInterval;
    int ramp_index = 0, shot_timer = 0;
    bool surface = true;
  };

  explicit Seaquest(const MinAtarOptions& options, const std::string& id = "MinAtar/Seaquest-v1");

  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Seaquest>(*this); }
  int difficulty_ramp() const override { return f_.ramp_index; }

  const Fields& fields() const { return f_; }

 protected:
  void game_reset() override;
  float game_act(int action, bool& terminal) override;
  void game_save(std::vector<double>& out) const override;
  void game_load(const double* in, size_t n) override;

 private:
  float surface();
  void spawn_enemy();
  void spawn_diver();
  template <class T>
  void write_planes(T* out) const;
  Fields f_;
};

}  // namespace tp::envs
