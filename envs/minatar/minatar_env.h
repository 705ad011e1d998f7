#pragma once
// MinAtar (Young & Tian 2019, "MinAtar: An Atari-Inspired Testbed for Thorough and
// Reproducible Reinforcement Learning Experiments"; rules follow the published Python code,
// kenjyoung/MinAtar v1.0.x, minatar/environment.py and minatar/environments/*.py).
//
// What the wrapper adds to every game, as minatar/environment.py does:
//  - sticky actions: with probability `sticky_action_prob` (0.1) the previous action is
//    repeated instead of the chosen one (the previous action survives reset(), as upstream;
//    reset(seed) clears it to 'n');
//  - the full action set {n, l, u, r, d, f} or the game's minimal set (MinAtar's gym ids:
//    -v0 full, -v1 minimal);
//  - one generator for both the stickiness and the game's randomness (upstream shares one
//    numpy RandomState), part of get_state().
// Observations are the games' 10x10xC binary planes, channels-first {C, 10, 10} for LibTorch.
// No time limit by default (MinAtar has none; Freeway ends itself after 2500 frames).
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/env.h"
#include "envs/registry.h"

namespace tp::envs {

// MinAtar's action letters, in its order: the full action set.
enum MinAtarAction : int { kNoop = 0, kLeft = 1, kUp = 2, kRight = 3, kDown = 4, kFire = 5 };

struct MinAtarOptions {
  double sticky_action_prob = 0.1;  // MinAtar Environment default (Young & Tian 2019, sec. 3)
  bool difficulty_ramping = true;   // MinAtar Environment default
  bool minimal_actions = true;      // set per id: -v0 full (the paper's DQN), -v1 minimal
  int max_episode_steps = 0;        // 0: no time limit (as MinAtar)

  // Reads sticky_action_prob, difficulty_ramping, minimal_actions, max_episode_steps
  // (UsageError on an unknown key or bad value).
  static MinAtarOptions from_kwargs(const EnvKwargs& kw, const std::string& env_id, bool minimal_default);
};

class MinAtarEnv : public Env {
 public:
  static constexpr int kSize = 10;

  const std::string& id() const override { return id_; }
  const BoxSpace& observation_space() const override { return obs_space_; }
  DiscreteSpace action_space() const override { return {static_cast<int>(action_set_.size())}; }
  std::vector<std::string> action_names() const override;
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  int elapsed_steps() const override { return elapsed_; }
  int max_episode_steps() const override { return max_steps_ > 0 ? max_steps_ : kNoTimeLimit; }
  // {elapsed, done, last_action, rng (8 x 32 bit), the game's own fields...}
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;

  // Public state for views and tests.
  int channels() const { return static_cast<int>(channel_names_.size()); }
  const std::vector<std::string>& channel_names() const { return channel_names_; }
  // Env action index -> MinAtar full-set action (identity for the full set).
  const std::vector<int>& action_set() const { return action_set_; }
  int last_action() const { return last_action_; }  // full-set action last executed
  const MinAtarOptions& options() const { return options_; }
  // Upstream's difficulty_ramp(): the ramp level, -1 for games that do not ramp.
  virtual int difficulty_ramp() const { return -1; }

 protected:
  MinAtarEnv(std::string id, std::vector<std::string> channel_names, const std::vector<int>& minimal_set,
             const MinAtarOptions& options);

  // The game's rules, as upstream's Env.reset / Env.act (full-set action; no stickiness).
  virtual void game_reset() = 0;
  virtual float game_act(int action, bool& terminal) = 0;
  // The game's fields appended to / read from a state vector (validated: tp::Error).
  virtual void game_save(std::vector<double>& out) const = 0;
  virtual void game_load(const double* in, size_t n) = 0;

  Rng rng_;  // shared by stickiness and the game, like upstream's single RandomState

 private:
  std::string id_;
  std::vector<std::string> channel_names_;
  std::vector<int> action_set_;
  MinAtarOptions options_;
  BoxSpace obs_space_;
  int max_steps_;
  int elapsed_ = 0;
  bool done_ = true;
  int last_action_ = kNoop;
};

// Reads a state field, checking it is an integer within [lo, hi] (set_state validation).
int state_int(double v, int lo, int hi, const char* what);

}  // namespace tp::envs
