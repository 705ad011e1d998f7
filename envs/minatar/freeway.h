#pragma once
// MinAtar Freeway (upstream minatar/environments/freeway.py). The chicken (column 4) moves
// up or down at most once every 3 frames; +1 on reaching the top row, after which it returns
// to the bottom and every car gets a new random speed (1..5 frames per move) and direction.
// Eight cars, one per lane (rows 1..8), wrap around the screen; a hit sends the chicken back
// to the bottom. The episode ends (terminated, as upstream) after 2500 frames. No ramp.
// Channels: chicken, car, speed1..speed5 (a car's trail cell, in the channel of its speed).
// Minimal actions: n, u, d.
#include <array>

#include "envs/minatar/minatar_env.h"

namespace tp::envs {

class Freeway final : public MinAtarEnv {
 public:
  static constexpr int kPlayerSpeed = 3;
  static constexpr int kTimeLimit = 2500;

  struct Car {
    int x = 0, y = 1;
    int timer = 1;  // frames until the next move
    int speed = 1;  // +-(1..5): sign is the direction, magnitude the frames per move
  };
  struct Fields {
    std::array<Car, 8> cars{};
    int pos = 9;  // the chicken's row
    int move_timer = kPlayerSpeed;
    int terminate_timer = kTimeLimit;
  };

  explicit Freeway(const MinAtarOptions& options, const std::string& id = "MinAtar/Freeway-v1");

  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Freeway>(*this); }

  const Fields& fields() const { return f_; }

 protected:
  void game_reset() override;
  float game_act(int action, bool& terminal) override;
  void game_save(std::vector<double>& out) const override;
  void game_load(const double* in, size_t n) override;

 private:
  void randomize_cars(bool initialize);
  template <class T>
  void write_planes(T* out) const;
  Fields f_;
};

}  // namespace tp::envs
