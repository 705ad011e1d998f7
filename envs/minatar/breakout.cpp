#include "envs/minatar/breakout.h"

#include <cstring>

#include "core/error.h"

namespace tp::envs {

namespace {
constexpr uint16_t kFullRow = 0x3ff;
}

Breakout::Breakout(const MinAtarOptions& options, const std::string& id)
    : MinAtarEnv(id, {"paddle", "ball", "trail", "brick"}, {kNoop, kLeft, kRight}, options) {
  game_reset();
}

void Breakout::game_reset() {
  f_ = Fields{};
  f_.ball_y = 3;
  if (rng_.below(2) == 0) {  // upstream: random.choice(2) -> (0, 2) or (9, 3)
    f_.ball_x = 0;
    f_.ball_dir = 2;
  } else {
    f_.ball_x = 9;
    f_.ball_dir = 3;
  }
  f_.pos = 4;
  f_.bricks.fill(0);
  for (int y = 1; y <= 3; ++y) f_.bricks[static_cast<size_t>(y)] = kFullRow;
  f_.strike = false;
  f_.last_x = f_.ball_x;
  f_.last_y = f_.ball_y;
}

float Breakout::game_act(int a, bool& terminal) {
  static constexpr int kDx[4] = {-1, 1, 1, -1}, kDy[4] = {-1, -1, 1, 1};
  static constexpr int kFlipX[4] = {1, 0, 3, 2}, kFlipY[4] = {3, 2, 1, 0}, kPaddleEdge[4] = {2, 3, 0, 1};
  float r = 0;
  if (a == kLeft)
    f_.pos = f_.pos > 0 ? f_.pos - 1 : 0;
  else if (a == kRight)
    f_.pos = f_.pos < 9 ? f_.pos + 1 : 9;

  f_.last_x = f_.ball_x;
  f_.last_y = f_.ball_y;
  int new_x = f_.ball_x + kDx[f_.ball_dir];
  int new_y = f_.ball_y + kDy[f_.ball_dir];
  bool strike_toggle = false;
  if (new_x < 0 || new_x > 9) {
    new_x = new_x < 0 ? 0 : 9;
    f_.ball_dir = kFlipX[f_.ball_dir];
  }
  if (new_y > 9) {  // only from a hand-set state with the ball already on the bottom row
    terminal = true;
    return r;
  }
  uint16_t& row = f_.bricks[static_cast<size_t>(new_y < 0 ? 0 : new_y)];
  if (new_y < 0) {
    new_y = 0;
    f_.ball_dir = kFlipY[f_.ball_dir];
  } else if (row >> new_x & 1u) {
    strike_toggle = true;
    if (!f_.strike) {  // upstream: a brick hit on two consecutive frames scores once
      r += 1;
      f_.strike = true;
      row = static_cast<uint16_t>(row & ~(1u << new_x));
      new_y = f_.last_y;
      f_.ball_dir = kFlipY[f_.ball_dir];
    }
  } else if (new_y == 9) {
    bool empty = true;
    for (uint16_t b : f_.bricks) empty = empty && b == 0;
    if (empty)
      for (int y = 1; y <= 3; ++y) f_.bricks[static_cast<size_t>(y)] = kFullRow;
    if (f_.ball_x == f_.pos) {
      f_.ball_dir = kFlipY[f_.ball_dir];
      new_y = f_.last_y;
    } else if (new_x == f_.pos) {
      f_.ball_dir = kPaddleEdge[f_.ball_dir];
      new_y = f_.last_y;
    } else {
      terminal = true;
    }
  }
  if (!strike_toggle) f_.strike = false;
  f_.ball_x = new_x;
  f_.ball_y = new_y;
  return r;
}

template <class T>
void Breakout::write_planes(T* out) const {
  std::memset(out, 0, sizeof(T) * 400);
  out[0 * 100 + 9 * 10 + f_.pos] = 1;
  out[1 * 100 + f_.ball_y * 10 + f_.ball_x] = 1;
  out[2 * 100 + f_.last_y * 10 + f_.last_x] = 1;
  T* brick = out + 300;
  for (int y = 0; y < 10; ++y) {
    const unsigned row = f_.bricks[static_cast<size_t>(y)];
    if (row == 0) continue;
    for (int x = 0; x < 10; ++x) brick[y * 10 + x] = static_cast<T>(row >> x & 1u);
  }
}

void Breakout::observe(float* out) const { write_planes(out); }
void Breakout::observe_bytes(uint8_t* out) const { write_planes(out); }

void Breakout::game_save(std::vector<double>& out) const {
  for (int v : {f_.ball_x, f_.ball_y, f_.ball_dir, f_.pos, f_.last_x, f_.last_y, f_.strike ? 1 : 0}) out.push_back(v);
  for (uint16_t b : f_.bricks) out.push_back(b);
}

void Breakout::game_load(const double* in, size_t n) {
  TP_CHECK(n == 17, id(), ": state needs 17 game values, got ", n);
  Fields f;
  f.ball_x = state_int(in[0], 0, 9, "ball x");
  f.ball_y = state_int(in[1], 0, 9, "ball y");
  f.ball_dir = state_int(in[2], 0, 3, "ball direction");
  f.pos = state_int(in[3], 0, 9, "paddle position");
  f.last_x = state_int(in[4], 0, 9, "trail x");
  f.last_y = state_int(in[5], 0, 9, "trail y");
  f.strike = state_int(in[6], 0, 1, "strike flag") != 0;
  for (size_t y = 0; y < 10; ++y) f.bricks[y] = static_cast<uint16_t>(state_int(in[7 + y], 0, kFullRow, "brick row"));
  f_ = f;
}

}  // namespace tp::envs
