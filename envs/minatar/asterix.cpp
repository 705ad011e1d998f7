#include "envs/minatar/asterix.h"

#include <cstring>

#include "core/error.h"

namespace tp::envs {

Asterix::Asterix(const MinAtarOptions& options, const std::string& id)
    : MinAtarEnv(id, {"player", "enemy", "trail", "gold"}, {kNoop, kLeft, kUp, kRight, kDown}, options) {
  game_reset();
}

void Asterix::game_reset() { f_ = Fields{}; }

void Asterix::spawn_entity() {
  const bool lr = rng_.uniform() < 1.0 / 2;
  const bool is_gold = rng_.uniform() < 1.0 / 3;
  int free_slots[8], n_free = 0;
  for (int i = 0; i < 8; ++i)
    if (!f_.entities[static_cast<size_t>(i)].active) free_slots[n_free++] = i;
  if (n_free == 0) return;
  const int slot = free_slots[rng_.below(static_cast<uint32_t>(n_free))];
  f_.entities[static_cast<size_t>(slot)] = {true, lr ? 0 : 9, slot + 1, lr, is_gold};
}

float Asterix::game_act(int a, bool& terminal) {
  float r = 0;
  Fields& f = f_;
  if (f.spawn_timer == 0) {
    spawn_entity();
    f.spawn_timer = f.spawn_speed;
  }
  if (a == kLeft)
    f.player_x = f.player_x > 0 ? f.player_x - 1 : 0;
  else if (a == kRight)
    f.player_x = f.player_x < 9 ? f.player_x + 1 : 9;
  else if (a == kUp)
    f.player_y = f.player_y > 1 ? f.player_y - 1 : 1;
  else if (a == kDown)
    f.player_y = f.player_y < 8 ? f.player_y + 1 : 8;

  auto touch = [&](Entity& e) {  // the player and an entity share a cell
    if (e.gold) {
      e = Entity{};  // collected: the slot is free (and saved as zeros)
      r += 1;
    } else {
      terminal = true;
    }
  };
  for (Entity& e : f.entities)
    if (e.active && e.x == f.player_x && e.y == f.player_y) touch(e);
  if (f.move_timer == 0) {
    f.move_timer = f.move_speed;
    for (Entity& e : f.entities) {
      if (!e.active) continue;
      e.x += e.right ? 1 : -1;
      if (e.x < 0 || e.x > 9)
        e = Entity{};  // left the screen
      else if (e.x == f.player_x && e.y == f.player_y)
        touch(e);
    }
  }
  --f.spawn_timer;
  --f.move_timer;

  if (options().difficulty_ramping && (f.spawn_speed > 1 || f.move_speed > 1)) {
    if (f.ramp_timer >= 0) {
      --f.ramp_timer;
    } else {
      if (f.move_speed > 1 && f.ramp_index % 2) --f.move_speed;
      if (f.spawn_speed > 1) --f.spawn_speed;
      ++f.ramp_index;
      f.ramp_timer = kRampInterval;
    }
  }
  return r;
}

template <class T>
void Asterix::write_planes(T* out) const {
  std::memset(out, 0, sizeof(T) * 400);
  out[f_.player_y * 10 + f_.player_x] = 1;
  for (const Entity& e : f_.entities) {
    if (!e.active) continue;
    out[(e.gold ? 300 : 100) + e.y * 10 + e.x] = 1;
    const int back_x = e.right ? e.x - 1 : e.x + 1;
    if (back_x >= 0 && back_x <= 9) out[200 + e.y * 10 + back_x] = 1;
  }
}

void Asterix::observe(float* out) const { write_planes(out); }
void Asterix::observe_bytes(uint8_t* out) const { write_planes(out); }

void Asterix::game_save(std::vector<double>& out) const {
  for (int v : {f_.player_x, f_.player_y, f_.spawn_speed, f_.spawn_timer, f_.move_speed, f_.move_timer, f_.ramp_timer,
                f_.ramp_index})
    out.push_back(v);
  for (const Entity& e : f_.entities) {
    const Entity saved = e.active ? e : Entity{};  // a free slot is all zeros
    for (int v : {saved.active ? 1 : 0, saved.x, saved.y, saved.right ? 1 : 0, saved.gold ? 1 : 0}) out.push_back(v);
  }
}

void Asterix::game_load(const double* in, size_t n) {
  TP_CHECK(n == 8 + 8 * 5, id(), ": state needs 48 game values, got ", n);
  Fields f;
  f.player_x = state_int(in[0], 0, 9, "player x");
  f.player_y = state_int(in[1], 1, 8, "player y");
  f.spawn_speed = state_int(in[2], 1, kInitSpawnSpeed, "spawn speed");
  f.spawn_timer = state_int(in[3], 0, kInitSpawnSpeed, "spawn timer");
  f.move_speed = state_int(in[4], 1, kInitMoveInterval, "move speed");
  f.move_timer = state_int(in[5], 0, kInitMoveInterval, "move timer");
  f.ramp_timer = state_int(in[6], -1, kRampInterval, "ramp timer");
  f.ramp_index = state_int(in[7], 0, 1 << 30, "ramp index");
  for (size_t i = 0; i < 8; ++i) {
    const double* e = in + 8 + 5 * i;
    Entity& en = f.entities[i];
    en.active = state_int(e[0], 0, 1, "entity active") != 0;
    en.x = state_int(e[1], 0, 9, "entity x");
    en.y = state_int(e[2], 0, 9, "entity y");
    en.right = state_int(e[3], 0, 1, "entity direction") != 0;
    en.gold = state_int(e[4], 0, 1, "entity gold flag") != 0;
    TP_CHECK(!en.active || en.y == static_cast<int>(i) + 1, id(), ": entity in slot ", i, " must be in row ", i + 1);
  }
  f_ = f;
}

}  // namespace tp::envs
