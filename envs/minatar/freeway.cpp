#include "envs/minatar/freeway.h"

#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace tp::envs {

Freeway::Freeway(const MinAtarOptions& options, const std::string& id)
    : MinAtarEnv(id, {"chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"}, {kNoop, kUp, kDown},
                 options) {
  game_reset();
}

void Freeway::randomize_cars(bool initialize) {
  // Upstream draws all 8 speeds (randint(1, 6, 8)), then all 8 directions (choice([-1, 1], 8)).
  std::array<int, 8> speeds;
  for (int& s : speeds) s = 1 + static_cast<int>(rng_.below(5));
  for (int& s : speeds) s *= rng_.below(2) == 0 ? -1 : 1;
  for (size_t i = 0; i < 8; ++i) {
    Car& c = f_.cars[i];
    if (initialize) {
      c.x = 0;
      c.y = static_cast<int>(i) + 1;
    }
    c.timer = std::abs(speeds[i]);
    c.speed = speeds[i];
  }
}

void Freeway::game_reset() {
  randomize_cars(true);
  f_.pos = 9;
  f_.move_timer = kPlayerSpeed;
  f_.terminate_timer = kTimeLimit;
}

float Freeway::game_act(int a, bool& terminal) {
  float r = 0;
  Fields& f = f_;
  if (a == kUp && f.move_timer == 0) {
    f.move_timer = kPlayerSpeed;
    f.pos = f.pos > 0 ? f.pos - 1 : 0;
  } else if (a == kDown && f.move_timer == 0) {
    f.move_timer = kPlayerSpeed;
    f.pos = f.pos < 9 ? f.pos + 1 : 9;
  }
  if (f.pos == 0) {  // crossed: score, new car speeds, back to the bottom
    r += 1;
    randomize_cars(false);
    f.pos = 9;
  }
  for (Car& c : f.cars) {
    if (c.x == 4 && c.y == f.pos) f.pos = 9;
    if (c.timer == 0) {
      c.timer = std::abs(c.speed);
      c.x += c.speed > 0 ? 1 : -1;
      if (c.x < 0)
        c.x = 9;
      else if (c.x > 9)
        c.x = 0;
      if (c.x == 4 && c.y == f.pos) f.pos = 9;
    } else {
      --c.timer;
    }
  }
  if (f.move_timer > 0) --f.move_timer;
  --f.terminate_timer;
  if (f.terminate_timer < 0) terminal = true;
  return r;
}

template <class T>
void Freeway::write_planes(T* out) const {
  std::memset(out, 0, sizeof(T) * 700);
  out[f_.pos * 10 + 4] = 1;
  for (const Car& c : f_.cars) {
    out[100 + c.y * 10 + c.x] = 1;
    int back_x = c.speed > 0 ? c.x - 1 : c.x + 1;
    if (back_x < 0)
      back_x = 9;
    else if (back_x > 9)
      back_x = 0;
    out[(1 + std::abs(c.speed)) * 100 + c.y * 10 + back_x] = 1;
  }
}

void Freeway::observe(float* out) const { write_planes(out); }
void Freeway::observe_bytes(uint8_t* out) const { write_planes(out); }

void Freeway::game_save(std::vector<double>& out) const {
  for (int v : {f_.pos, f_.move_timer, f_.terminate_timer}) out.push_back(v);
  for (const Car& c : f_.cars)
    for (int v : {c.x, c.y, c.timer, c.speed}) out.push_back(v);
}

void Freeway::game_load(const double* in, size_t n) {
  TP_CHECK(n == 3 + 8 * 4, id(), ": state needs 35 game values, got ", n);
  Fields f;
  f.pos = state_int(in[0], 0, 9, "chicken row");
  f.move_timer = state_int(in[1], 0, kPlayerSpeed, "move timer");
  f.terminate_timer = state_int(in[2], -1, kTimeLimit, "terminate timer");
  for (size_t i = 0; i < 8; ++i) {
    Car& c = f.cars[i];
    c.x = state_int(in[3 + 4 * i], 0, 9, "car x");
    c.y = state_int(in[4 + 4 * i], 0, 9, "car y");
    c.timer = state_int(in[5 + 4 * i], 0, 5, "car timer");
    c.speed = state_int(in[6 + 4 * i], -5, 5, "car speed");
    TP_CHECK(c.speed != 0, id(), ": car speed must be +-1..5");
  }
  f_ = f;
}

}  // namespace tp::envs
