#include "envs/minatar/seaquest.h"

#include <cstring>

#include "core/error.h"

namespace tp::envs {

namespace {

// Python's list.remove(value): erases the first element equal to `value`, returns its index.
template <class T>
size_t remove_first_equal(std::vector<T>& v, const T value) {
  for (size_t j = 0; j < v.size(); ++j)
    if (v[j] == value) {
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(j));
      return j;
    }
  TP_THROW(Error, "Seaquest: removing an element that is not in the list (internal error)");
}

// Where the element a Python loop variable aliases sits after a removal at `removed`
// (-1: it was the one removed; the loop body may still read and write its own copy).
void follow(long& cur, size_t removed) {
  if (cur < 0) return;
  if (static_cast<long>(removed) == cur)
    cur = -1;
  else if (static_cast<long>(removed) < cur)
    --cur;
}

bool outside(int x) { return x < 0 || x > 9; }
int step_dir(bool right) { return right ? 1 : -1; }

}  // namespace

Seaquest::Seaquest(const MinAtarOptions& options, const std::string& id)
    : MinAtarEnv(id,
                 {"sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub",
                  "oxygen_guage", "diver_guage", "diver"},
                 {kNoop, kLeft, kUp, kRight, kDown, kFire}, options) {
  for (auto* v : {&f_.f_bullets, &f_.e_bullets}) v->reserve(32);
  for (auto* v : {&f_.e_fish, &f_.e_subs, &f_.divers}) v->reserve(32);
  game_reset();
}

void Seaquest::game_reset() {
  // Field by field (not Fields{}) so the lists keep their capacity: no allocation per episode.
  f_.oxygen = kMaxOxygen;
  f_.diver_count = 0;
  f_.sub_x = 5;
  f_.sub_y = 0;
  f_.sub_right = false;
  f_.f_bullets.clear();
  f_.e_bullets.clear();
  f_.e_fish.clear();
  f_.e_subs.clear();
  f_.divers.clear();
  f_.e_spawn_speed = kInitSpawnSpeed;
  f_.e_spawn_timer = f_.e_spawn_speed;
  f_.d_spawn_timer = kDiverSpawnSpeed;
  f_.move_speed = kInitMoveInterval;
  f_.ramp_index = 0;
  f_.shot_timer = 0;
  f_.surface = true;
}

void Seaquest::spawn_enemy() {
  const bool lr = rng_.uniform() < 1.0 / 2;
  const bool is_sub = rng_.uniform() < 1.0 / 3;
  const int x = lr ? 0 : 9;
  const int y = 1 + static_cast<int>(rng_.below(8));  // randint(low=1, high=9)
  // No spawn in a row where an enemy travels the other way.
  for (const auto* list : {&f_.e_subs, &f_.e_fish})
    for (const Mover& z : *list)
      if (z.y == y && z.right != lr) return;
  if (is_sub)
    f_.e_subs.push_back({x, y, lr, f_.move_speed, kEnemyShotInterval});
  else
    f_.e_fish.push_back({x, y, lr, f_.move_speed, 0});
}

void Seaquest::spawn_diver() {
  const bool lr = rng_.uniform() < 1.0 / 2;
  const int x = lr ? 0 : 9;
  const int y = 1 + static_cast<int>(rng_.below(8));
  f_.divers.push_back({x, y, lr, kDiverMoveInterval, 0});
}

float Seaquest::surface() {
  Fields& f = f_;
  f.surface = true;
  int r = 0;
  if (f.diver_count == 6) {
    f.diver_count = 0;
    r = f.oxygen * 10 / kMaxOxygen;  // oxygen >= 0 here, so C++ and Python division agree
  }
  f.oxygen = kMaxOxygen;
  f.diver_count -= 1;  // upstream also does this after a full (6-diver) surfacing
  if (options().difficulty_ramping && (f.e_spawn_speed > 1 || f.move_speed > 2)) {
    if (f.move_speed > 2 && f.ramp_index % 2) --f.move_speed;
    if (f.e_spawn_speed > 1) --f.e_spawn_speed;
    ++f.ramp_index;
  }
  return static_cast<float>(r);
}

float Seaquest::game_act(int a, bool& terminal) {
  float r = 0;
  Fields& f = f_;
  if (f.e_spawn_timer == 0) {
    spawn_enemy();
    f.e_spawn_timer = f.e_spawn_speed;
  }
  if (f.d_spawn_timer == 0) {
    spawn_diver();
    f.d_spawn_timer = kDiverSpawnSpeed;
  }

  if (a == kFire && f.shot_timer == 0) {
    f.f_bullets.push_back({f.sub_x, f.sub_y, f.sub_right});
    f.shot_timer = kShotCoolDown;
  } else if (a == kLeft) {
    f.sub_x = f.sub_x > 0 ? f.sub_x - 1 : 0;
    f.sub_right = false;
  } else if (a == kRight) {
    f.sub_x = f.sub_x < 9 ? f.sub_x + 1 : 9;
    f.sub_right = true;
  } else if (a == kUp) {
    f.sub_y = f.sub_y > 0 ? f.sub_y - 1 : 0;
  } else if (a == kDown) {
    f.sub_y = f.sub_y < 8 ? f.sub_y + 1 : 8;
  }
  const auto at_sub = [&](int x, int y) { return x == f.sub_x && y == f.sub_y; };
  // `for item in reversed(list)`: an index walking down, ending once it is past the end.
  const auto reversed = [](auto& list, auto&& body) {
    for (long i = static_cast<long>(list.size()) - 1; i >= 0 && i < static_cast<long>(list.size()); --i) body(i);
  };

  // Friendly bullets: move; leave the screen or destroy the first fish, else sub, they hit.
  reversed(f.f_bullets, [&](long i) {
    Bullet& b = f.f_bullets[static_cast<size_t>(i)];
    b.x += step_dir(b.right);
    const Bullet bullet = b;
    if (outside(bullet.x)) {
      remove_first_equal(f.f_bullets, bullet);
      return;
    }
    for (size_t k = 0; k < f.e_fish.size(); ++k)
      if (f.e_fish[k].x == bullet.x && f.e_fish[k].y == bullet.y) {
        remove_first_equal(f.e_fish, f.e_fish[k]);
        remove_first_equal(f.f_bullets, bullet);
        r += 1;
        return;
      }
    for (size_t k = 0; k < f.e_subs.size(); ++k)
      if (f.e_subs[k].x == bullet.x && f.e_subs[k].y == bullet.y) {
        remove_first_equal(f.e_subs, f.e_subs[k]);
        remove_first_equal(f.f_bullets, bullet);
        r += 1;
        return;
      }
  });

  // Divers: picked up when the sub is on them (room for 6), else move every 5 frames.
  reversed(f.divers, [&](long i) {
    Mover& d = f.divers[static_cast<size_t>(i)];
    if (at_sub(d.x, d.y) && f.diver_count < 6) {
      remove_first_equal(f.divers, Mover(d));
      ++f.diver_count;
    } else if (d.move_timer == 0) {
      d.move_timer = kDiverMoveInterval;
      d.x += step_dir(d.right);
      const Mover diver = d;
      if (outside(diver.x)) {
        remove_first_equal(f.divers, diver);
      } else if (at_sub(diver.x, diver.y) && f.diver_count < 6) {
        remove_first_equal(f.divers, diver);
        ++f.diver_count;
      }
    } else {
      --d.move_timer;
    }
  });

  // Enemy subs: collide, move, may be hit by a bullet, and shoot every 10 frames (upstream
  // lets a sub removed this frame still fire, so the shot is handled for it too).
  reversed(f.e_subs, [&](long i) {
    long cur = i;
    Mover s = f.e_subs[static_cast<size_t>(i)];
    const auto sync = [&] {
      if (cur >= 0) f.e_subs[static_cast<size_t>(cur)] = s;
    };
    if (at_sub(s.x, s.y)) terminal = true;
    if (s.move_timer == 0) {
      s.move_timer = f.move_speed;
      s.x += step_dir(s.right);
      sync();
      if (outside(s.x)) {
        follow(cur, remove_first_equal(f.e_subs, s));
      } else if (at_sub(s.x, s.y)) {
        terminal = true;
      } else {
        for (size_t k = 0; k < f.f_bullets.size(); ++k)
          if (s.x == f.f_bullets[k].x && s.y == f.f_bullets[k].y) {
            follow(cur, remove_first_equal(f.e_subs, s));
            remove_first_equal(f.f_bullets, f.f_bullets[k]);
            r += 1;
            break;
          }
      }
    } else {
      --s.move_timer;
      sync();
    }
    if (s.shot_timer == 0) {
      s.shot_timer = kEnemyShotInterval;
      sync();
      f.e_bullets.push_back({s.x, s.y, s.right});
    } else {
      --s.shot_timer;
      sync();
    }
  });

  // Enemy bullets: hit the sub before or after moving.
  reversed(f.e_bullets, [&](long i) {
    Bullet& b = f.e_bullets[static_cast<size_t>(i)];
    if (at_sub(b.x, b.y)) terminal = true;
    b.x += step_dir(b.right);
    const Bullet bullet = b;
    if (outside(bullet.x))
      remove_first_equal(f.e_bullets, bullet);
    else if (at_sub(bullet.x, bullet.y))
      terminal = true;
  });

  // Enemy fish: like subs, without shooting.
  reversed(f.e_fish, [&](long i) {
    Mover& fish = f.e_fish[static_cast<size_t>(i)];
    if (at_sub(fish.x, fish.y)) terminal = true;
    if (fish.move_timer == 0) {
      fish.move_timer = f.move_speed;
      fish.x += step_dir(fish.right);
      const Mover moved = fish;
      if (outside(moved.x)) {
        remove_first_equal(f.e_fish, moved);
      } else if (at_sub(moved.x, moved.y)) {
        terminal = true;
      } else {
        for (size_t k = 0; k < f.f_bullets.size(); ++k)
          if (moved.x == f.f_bullets[k].x && moved.y == f.f_bullets[k].y) {
            remove_first_equal(f.e_fish, moved);
            remove_first_equal(f.f_bullets, f.f_bullets[k]);
            r += 1;
            break;
          }
      }
    } else {
      --fish.move_timer;
    }
  });

  if (f.e_spawn_timer > 0) --f.e_spawn_timer;
  if (f.d_spawn_timer > 0) --f.d_spawn_timer;
  if (f.shot_timer > 0) --f.shot_timer;
  if (f.oxygen <= 0) terminal = true;
  if (f.sub_y > 0) {
    --f.oxygen;
    f.surface = false;
  } else if (!f.surface) {
    if (f.diver_count == 0)
      terminal = true;
    else
      r += surface();
  }
  return r;
}

template <class T>
void Seaquest::write_planes(T* out) const {
  std::memset(out, 0, sizeof(T) * 1000);
  const auto put = [out](int channel, int y, int x) { out[channel * 100 + y * 10 + x] = 1; };
  const auto trail = [&](const Mover& m) {
    const int back_x = m.right ? m.x - 1 : m.x + 1;
    if (back_x >= 0 && back_x <= 9) put(3, m.y, back_x);
  };
  put(0, f_.sub_y, f_.sub_x);
  const int back_x = f_.sub_right ? f_.sub_x - 1 : f_.sub_x + 1;
  if (back_x >= 0 && back_x <= 9) put(1, f_.sub_y, back_x);
  const int oxygen_cells = (f_.oxygen > 0 ? f_.oxygen : 0) * 10 / kMaxOxygen;
  for (int x = 0; x < oxygen_cells; ++x) put(7, 9, x);
  for (int x = 9 - f_.diver_count; x < 9; ++x) put(8, 9, x);
  for (const Bullet& b : f_.f_bullets) put(2, b.y, b.x);
  for (const Bullet& b : f_.e_bullets) put(4, b.y, b.x);
  for (const Mover& m : f_.e_fish) {
    put(5, m.y, m.x);
    trail(m);
  }
  for (const Mover& m : f_.e_subs) {
    put(6, m.y, m.x);
    trail(m);
  }
  for (const Mover& m : f_.divers) {
    put(9, m.y, m.x);
    trail(m);
  }
}

void Seaquest::observe(float* out) const { write_planes(out); }
void Seaquest::observe_bytes(uint8_t* out) const { write_planes(out); }

void Seaquest::game_save(std::vector<double>& out) const {
  for (int v : {f_.oxygen, f_.diver_count, f_.sub_x, f_.sub_y, f_.sub_right ? 1 : 0, f_.e_spawn_speed, f_.e_spawn_timer,
                f_.d_spawn_timer, f_.move_speed, f_.ramp_index, f_.shot_timer, f_.surface ? 1 : 0})
    out.push_back(v);
  for (const auto* list : {&f_.f_bullets, &f_.e_bullets}) {
    out.push_back(static_cast<double>(list->size()));
    for (const Bullet& b : *list)
      for (int v : {b.x, b.y, b.right ? 1 : 0}) out.push_back(v);
  }
  for (const auto* list : {&f_.e_fish, &f_.e_subs, &f_.divers}) {
    out.push_back(static_cast<double>(list->size()));
    for (const Mover& m : *list)
      for (int v : {m.x, m.y, m.right ? 1 : 0, m.move_timer, m.shot_timer}) out.push_back(v);
  }
}

void Seaquest::game_load(const double* in, size_t n) {
  TP_CHECK(n >= 17, id(), ": state needs at least 17 game values, got ", n);
  Fields f = f_;  // keeps the lists' capacity
  f.oxygen = state_int(in[0], -1, kMaxOxygen, "oxygen");
  f.diver_count = state_int(in[1], -(1 << 30), 6, "diver count");
  f.sub_x = state_int(in[2], 0, 9, "sub x");
  f.sub_y = state_int(in[3], 0, 8, "sub y");
  f.sub_right = state_int(in[4], 0, 1, "sub heading") != 0;
  f.e_spawn_speed = state_int(in[5], 1, kInitSpawnSpeed, "enemy spawn speed");
  f.e_spawn_timer = state_int(in[6], 0, kInitSpawnSpeed, "enemy spawn timer");
  f.d_spawn_timer = state_int(in[7], 0, kDiverSpawnSpeed, "diver spawn timer");
  f.move_speed = state_int(in[8], 1, kInitMoveInterval, "move speed");
  f.ramp_index = state_int(in[9], 0, 1 << 30, "ramp index");
  f.shot_timer = state_int(in[10], 0, kShotCoolDown, "shot timer");
  f.surface = state_int(in[11], 0, 1, "surface flag") != 0;
  const int back_x = f.sub_right ? f.sub_x - 1 : f.sub_x + 1;
  TP_CHECK(back_x >= 0 && back_x <= 9, id(), ": the sub's back cell is off the screen");
  size_t i = 12;
  const auto take = [&](const char* what, int lo, int hi) {
    TP_CHECK(i < n, id(), ": state ends early (", what, ")");
    return state_int(in[i++], lo, hi, what);
  };
  for (auto* list : {&f.f_bullets, &f.e_bullets}) {
    const int count = take("bullet count", 0, 1000);
    list->clear();
    for (int k = 0; k < count; ++k) {
      Bullet b;
      b.x = take("bullet x", 0, 9);
      b.y = take("bullet y", 0, 9);
      b.right = take("bullet direction", 0, 1) != 0;
      list->push_back(b);
    }
  }
  for (auto* list : {&f.e_fish, &f.e_subs, &f.divers}) {
    const int count = take("entity count", 0, 1000);
    list->clear();
    for (int k = 0; k < count; ++k) {
      Mover m;
      m.x = take("entity x", 0, 9);
      m.y = take("entity y", 0, 9);
      m.right = take("entity direction", 0, 1) != 0;
      m.move_timer = take("entity move timer", 0, kDiverMoveInterval);
      m.shot_timer = take("entity shot timer", 0, kEnemyShotInterval);
      list->push_back(m);
    }
  }
  TP_CHECK(i == n, id(), ": state has ", n - i, " values too many");
  f_ = std::move(f);
}

}  // namespace tp::envs
