#pragma once
// Snake on an N x N grid (default 10 x 10). Actions are absolute headings: 0 up, 1 right,
// 2 down, 3 left; turning straight back into the neck is ignored (the snake keeps going).
// The snake starts with length 3 in the middle, heading right, with one food on a uniformly
// random free cell. Eating: +1 and the snake grows by one; running into a wall or its own
// body: -1 and the episode terminates; filling the whole board terminates with the last +1.
// Each step otherwise gives 0. The episode is truncated after `max_episode_steps` (default
// 1000). Observation {3, N, N}, binary: head, body (without the head), food.
#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "envs/env.h"
#include "envs/registry.h"

namespace tp::envs {

class Snake final : public Env {
 public:
  struct Cell {
    int row, col;
    bool operator==(const Cell& o) const { return row == o.row && col == o.col; }
  };
  static constexpr int kUp = 0, kRight = 1, kDown = 2, kLeft = 3;

  explicit Snake(int size = 10, int max_episode_steps = 1000);
  // kwargs: size (5..32), max_episode_steps (>= 1).
  static std::unique_ptr<Env> from_kwargs(const EnvKwargs& kw);

  const std::string& id() const override { return id_; }
  const BoxSpace& observation_space() const override { return obs_space_; }
  DiscreteSpace action_space() const override { return {4}; }
  std::vector<std::string> action_names() const override { return {"up", "right", "down", "left"}; }
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  int elapsed_steps() const override { return elapsed_; }
  int max_episode_steps() const override { return max_steps_; }
  // {size, elapsed, done, heading, rng (8 x 32 bit), food row, food col (-1 when the board
  //  is full), length, then (row, col) of each body cell from the head}
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Snake>(*this); }

  // Public state for views and tests.
  int size() const { return n_; }
  int heading() const { return heading_; }
  int length() const { return length_; }
  Cell body(int i) const;              // i = 0 is the head, length() - 1 the tail
  Cell food() const { return food_; }  // {-1, -1} when no free cell is left

 private:
  void place_food();
  template <class T>
  void write_planes(T* out) const;
  Cell& ring(int i) { return ring_[static_cast<size_t>((head_ + i) % (n_ * n_))]; }

  std::string id_ = "Snake-v0";
  int n_;
  int max_steps_;
  BoxSpace obs_space_;
  std::vector<Cell> ring_;         // body cells in a ring buffer, head at head_, then towards the tail
  std::vector<uint8_t> occupied_;  // row * n + col -> body cell
  int head_ = 0, length_ = 0, heading_ = kRight;
  Cell food_{-1, -1};
  int elapsed_ = 0;
  bool done_ = true;
  Rng rng_;
};

}  // namespace tp::envs
