#pragma once
// Single-agent environment interface with Gymnasium semantics (docs/architecture.md):
//  - reset(seed) starts an episode from a freshly seeded generator, reset() continues the
//    env's own random stream;
//  - step(action) returns reward and the two end flags kept apart: `terminated` (a terminal
//    state of the MDP: no bootstrapping) and `truncated` (a time limit: bootstrap);
//  - observations are written into caller-owned float buffers (no LibTorch here);
//  - the full internal state can be read and written (tests, views, golden trajectories).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tp::envs {

// A box of floats: `shape` (e.g. {4} or {C, 10, 10}), per-element bounds.
struct BoxSpace {
  std::vector<int> shape;
  std::vector<float> low, high;  // one per element
  std::string dtype = "float32";

  int64_t size() const;
  bool contains(const float* obs) const;
  std::string to_string() const;  // "Box(shape=[4], low=[-4.8, ...], dtype=float32)"
};

struct DiscreteSpace {
  int n = 0;
  std::string to_string() const { return "Discrete(" + std::to_string(n) + ")"; }
};

struct StepResult {
  float reward = 0.0f;
  bool terminated = false;
  bool truncated = false;
  bool done() const { return terminated || truncated; }
};

class Env {
 public:
  virtual ~Env() = default;

  virtual const std::string& id() const = 0;
  virtual const BoxSpace& observation_space() const = 0;
  // Discrete actions; a continuous-action env returns Discrete(0).
  virtual DiscreteSpace action_space() const = 0;
  // Human-readable action names ("left", "fire", ...), one per discrete action.
  virtual std::vector<std::string> action_names() const = 0;

  // Continuous actions (Gymnasium's Box action space, e.g. Pendulum-v1's torque): such an env
  // returns its box here and implements step_continuous; discrete envs keep nullptr.
  virtual const BoxSpace* continuous_action_space() const { return nullptr; }
  bool has_continuous_actions() const { return continuous_action_space() != nullptr; }

  virtual void reset(uint64_t seed) = 0;
  virtual void reset() = 0;
  // Throws tp::Error for an action outside the action space or a step after the end.
  virtual StepResult step(int action) = 0;
  // `action` holds continuous_action_space()->size() floats; values outside the bounds are
  // clipped by the env, as Gymnasium's envs do (NaN throws tp::Error). The default throws
  // tp::Error: the env takes discrete actions.
  virtual StepResult step_continuous(const float* action);
  virtual void observe(float* out) const = 0;
  // The observation as bytes, for envs whose observations are small integers (MinAtar and
  // Snake planes are 0/1): compact replay storage. The default converts observe() and throws
  // tp::Error when a value is not an integer in [0, 255]; grid envs override it allocation-free.
  virtual void observe_bytes(uint8_t* out) const;

  // Steps taken in the current episode (what the time limit counts).
  virtual int elapsed_steps() const = 0;
  // The time limit (truncation); kNoTimeLimit when the env has none (MinAtar by default).
  virtual int max_episode_steps() const = 0;
  static constexpr int kNoTimeLimit = 2147483647;

  // Full internal state, including the random generator where the dynamics use one.
  virtual std::vector<double> get_state() const = 0;
  virtual void set_state(const std::vector<double>& state) = 0;

  virtual std::unique_ptr<Env> clone() const = 0;
};

// For consumers that need discrete actions (DQN, ...): UsageError
// "<who> needs a discrete action space; <env id> has Box(...)" for a continuous-action env.
void require_discrete_actions(const Env& env, const std::string& who);

}  // namespace tp::envs
