#pragma once
// MinAtar Breakout (upstream minatar/environments/breakout.py). The paddle moves along the
// bottom row; the ball moves diagonally, reflects off walls, bricks and the paddle; +1 per
// brick; three new rows of bricks when the wall is cleared (refilled when the ball reaches
// the bottom row); the episode ends when the ball passes the paddle. No difficulty ramp.
// Channels: paddle, ball, trail (the ball's previous cell), brick. Minimal actions: n, l, r.
#include <array>

#include "envs/minatar/minatar_env.h"

namespace tp::envs {

class Breakout final : public MinAtarEnv {
 public:
  struct Fields {
    int ball_x = 0, ball_y = 3, ball_dir = 2;  // dir 0: up-left, 1: up-right, 2: down-right, 3: down-left
    int pos = 4;                               // paddle column
    int last_x = 0, last_y = 3;
    bool strike = false;                // the ball hit a brick last frame
    std::array<uint16_t, 10> bricks{};  // bit x of row y: a brick at (y, x)
  };

  explicit Breakout(const MinAtarOptions& options, const std::string& id = "MinAtar/Breakout-v1");

  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Breakout>(*this); }

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
