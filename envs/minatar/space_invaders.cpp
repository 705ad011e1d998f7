#include "envs/minatar/space_invaders.h"

#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace tp::envs {

namespace {

constexpr unsigned kRowMask = 0x3ff;

int count(const SpaceInvaders::Plane& p) {
  int n = 0;
  for (uint16_t row : p) n += __builtin_popcount(row);
  return n;
}

// np.roll(plane, shift, axis=0): row y moves to row y + shift (wrapping).
SpaceInvaders::Plane roll_rows(const SpaceInvaders::Plane& p, int shift) {
  SpaceInvaders::Plane out{};
  for (int y = 0; y < 10; ++y) out[static_cast<size_t>(((y + shift) % 10 + 10) % 10)] = p[static_cast<size_t>(y)];
  return out;
}

// np.roll(plane, shift, axis=1) for shift = +-1: column x moves to x + shift (wrapping).
void roll_columns(SpaceInvaders::Plane& p, int shift) {
  for (uint16_t& row : p) {
    const unsigned r = row;
    row = static_cast<uint16_t>(shift > 0 ? ((r << 1) | (r >> 9)) & kRowMask : ((r >> 1) | (r << 9)) & kRowMask);
  }
}

bool column_has(const SpaceInvaders::Plane& p, int x) {
  for (uint16_t row : p)
    if (row >> x & 1u) return true;
  return false;
}

void fill_wave(SpaceInvaders::Plane& aliens) {
  for (size_t y = 0; y < 4; ++y) aliens[y] = static_cast<uint16_t>(aliens[y] | 0xfc);  // columns 2..7
}

}  // namespace

SpaceInvaders::SpaceInvaders(const MinAtarOptions& options, const std::string& id)
    : MinAtarEnv(id, {"cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"},
                 {kNoop, kLeft, kRight, kFire}, options) {
  game_reset();
}

void SpaceInvaders::game_reset() {
  f_ = Fields{};
  fill_wave(f_.aliens);
}

float SpaceInvaders::game_act(int a, bool& terminal) {
  float r = 0;
  Fields& f = f_;
  if (a == kFire && f.shot_timer == 0) {
    f.f_bullets[9] = static_cast<uint16_t>(f.f_bullets[9] | (1u << f.pos));
    f.shot_timer = kShotCoolDown;
  } else if (a == kLeft) {
    f.pos = f.pos > 0 ? f.pos - 1 : 0;
  } else if (a == kRight) {
    f.pos = f.pos < 9 ? f.pos + 1 : 9;
  }

  f.f_bullets = roll_rows(f.f_bullets, -1);  // friendly bullets fly up; the top row leaves
  f.f_bullets[9] = 0;
  f.e_bullets = roll_rows(f.e_bullets, 1);  // enemy bullets fall; the bottom row leaves
  f.e_bullets[0] = 0;
  if (f.e_bullets[9] >> f.pos & 1u) terminal = true;

  if (f.aliens[9] >> f.pos & 1u) terminal = true;
  if (f.alien_move_timer == 0) {
    const int left = count(f.aliens);
    f.alien_move_timer = left < f.enemy_move_interval ? left : f.enemy_move_interval;
    if ((column_has(f.aliens, 0) && f.alien_dir < 0) || (column_has(f.aliens, 9) && f.alien_dir > 0)) {
      f.alien_dir = -f.alien_dir;
      if (f.aliens[9] != 0) terminal = true;
      f.aliens = roll_rows(f.aliens, 1);
    } else {
      roll_columns(f.aliens, f.alien_dir);
    }
    if (f.aliens[9] >> f.pos & 1u) terminal = true;
  }
  if (f.alien_shot_timer == 0) {
    f.alien_shot_timer = kEnemyShotInterval;
    // The alien nearest the cannon fires: columns by distance (ties: the left one first, as
    // upstream's stable sort), the lowest alien in that column.
    int fire_x = -1;
    for (int d = 0; d < 10 && fire_x < 0; ++d) {
      if (f.pos - d >= 0 && column_has(f.aliens, f.pos - d))
        fire_x = f.pos - d;
      else if (d > 0 && f.pos + d <= 9 && column_has(f.aliens, f.pos + d))
        fire_x = f.pos + d;
    }
    if (fire_x >= 0) {  // there is always an alien here (a cleared wave respawns at once)
      int y = 9;
      while (!(f.aliens[static_cast<size_t>(y)] >> fire_x & 1u)) --y;
      f.e_bullets[static_cast<size_t>(y)] = static_cast<uint16_t>(f.e_bullets[static_cast<size_t>(y)] | (1u << fire_x));
    }
  }

  for (size_t y = 0; y < 10; ++y) {
    const unsigned kill = f.aliens[y] & f.f_bullets[y];
    if (!kill) continue;
    r += static_cast<float>(__builtin_popcount(kill));
    f.aliens[y] = static_cast<uint16_t>(f.aliens[y] & ~kill);
    f.f_bullets[y] = static_cast<uint16_t>(f.f_bullets[y] & ~kill);
  }

  if (f.shot_timer > 0) --f.shot_timer;
  --f.alien_move_timer;
  --f.alien_shot_timer;
  if (count(f.aliens) == 0) {
    if (f.enemy_move_interval > 6 && options().difficulty_ramping) {
      --f.enemy_move_interval;
      ++f.ramp_index;
    }
    fill_wave(f.aliens);
  }
  return r;
}

template <class T>
void SpaceInvaders::write_planes(T* out) const {
  std::memset(out, 0, sizeof(T) * 600);
  out[9 * 10 + f_.pos] = 1;
  T* dir_plane = out + (f_.alien_dir < 0 ? 200 : 300);
  for (int y = 0; y < 10; ++y) {
    const unsigned a = f_.aliens[static_cast<size_t>(y)], fb = f_.f_bullets[static_cast<size_t>(y)],
                   eb = f_.e_bullets[static_cast<size_t>(y)];
    if (!(a | fb | eb)) continue;
    for (int x = 0; x < 10; ++x) {
      const int i = y * 10 + x;
      const T alien = static_cast<T>(a >> x & 1u);
      out[100 + i] = alien;
      dir_plane[i] = alien;
      out[400 + i] = static_cast<T>(fb >> x & 1u);
      out[500 + i] = static_cast<T>(eb >> x & 1u);
    }
  }
}

void SpaceInvaders::observe(float* out) const { write_planes(out); }
void SpaceInvaders::observe_bytes(uint8_t* out) const { write_planes(out); }

void SpaceInvaders::game_save(std::vector<double>& out) const {
  for (int v : {f_.pos, f_.alien_dir, f_.enemy_move_interval, f_.alien_move_timer, f_.alien_shot_timer, f_.ramp_index,
                f_.shot_timer})
    out.push_back(v);
  for (const Plane* p : {&f_.f_bullets, &f_.e_bullets, &f_.aliens})
    for (uint16_t row : *p) out.push_back(row);
}

void SpaceInvaders::game_load(const double* in, size_t n) {
  TP_CHECK(n == 37, id(), ": state needs 37 game values, got ", n);
  Fields f;
  f.pos = state_int(in[0], 0, 9, "cannon position");
  f.alien_dir = state_int(in[1], -1, 1, "alien direction");
  TP_CHECK(f.alien_dir != 0, id(), ": alien direction must be -1 or 1");
  f.enemy_move_interval = state_int(in[2], 1, kEnemyMoveInterval, "enemy move interval");
  f.alien_move_timer = state_int(in[3], 0, kEnemyMoveInterval, "alien move timer");
  f.alien_shot_timer = state_int(in[4], 0, kEnemyShotInterval, "alien shot timer");
  f.ramp_index = state_int(in[5], 0, 1 << 30, "ramp index");
  f.shot_timer = state_int(in[6], 0, kShotCoolDown, "shot timer");
  size_t i = 7;
  for (Plane* p : {&f.f_bullets, &f.e_bullets, &f.aliens})
    for (uint16_t& row : *p) row = static_cast<uint16_t>(state_int(in[i++], 0, kRowMask, "plane row"));
  TP_CHECK(count(f.aliens) > 0, id(), ": state has no aliens (a wave always respawns)");
  f_ = f;
}

}  // namespace tp::envs
