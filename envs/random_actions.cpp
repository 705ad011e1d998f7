#include "envs/random_actions.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tp::envs {

void sample_uniform(const BoxSpace& box, Rng& rng, float* out) {
  for (int64_t i = 0; i < box.size(); ++i) {
    const float lo = box.low[static_cast<size_t>(i)], hi = box.high[static_cast<size_t>(i)];
    TP_CHECK(std::isfinite(lo) && std::isfinite(hi), "uniform sampling needs finite bounds, got ", box.to_string());
    // Rounding to float can land a hair outside the box: clamp.
    out[i] = std::clamp(static_cast<float>(rng.uniform(lo, hi)), lo, hi);
  }
}

RandomActions::RandomActions(const Env& env) : n_(static_cast<uint32_t>(env.action_space().n)) {
  if (const BoxSpace* box = env.continuous_action_space()) {
    continuous_ = true;
    box_ = *box;
    action_.resize(static_cast<size_t>(box->size()));
  }
}

StepResult RandomActions::step(Env& env, Rng& rng) {
  if (!continuous_) return env.step(static_cast<int>(rng.below(n_)));
  sample_uniform(box_, rng, action_.data());
  return env.step_continuous(action_.data());
}

}  // namespace tp::envs
