#pragma once
// Uniform random actions for any env, discrete or continuous: what throughput benchmarks,
// conformance tests and the random agent draw.
#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "envs/env.h"

namespace tp::envs {

// A uniform point of `box` (every bound finite; tp::Error otherwise) written to `out`
// (box.size() floats), each value within [low, high].
void sample_uniform(const BoxSpace& box, Rng& rng, float* out);

// Steps an env with uniform random actions: rng.below(n) for Discrete(n), sample_uniform
// of the box for a continuous-action env. Built for one env's spaces (read once, so a
// benchmark's step pays no extra virtual calls); step() takes that env or one like it.
class RandomActions {
 public:
  explicit RandomActions(const Env& env);
  StepResult step(Env& env, Rng& rng);

 private:
  uint32_t n_ = 0;
  bool continuous_ = false;
  BoxSpace box_;
  std::vector<float> action_;
};

}  // namespace tp::envs
