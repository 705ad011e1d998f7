#pragma once
// Frame stacking (Mnih et al. 2015): the observation is the last k observations of the wrapped
// env, oldest first, concatenated along the first axis ({4} -> {4k}, {C,10,10} -> {kC,10,10}).
// After a reset the first observation fills every slot, as Gymnasium's FrameStack does. It is
// how a feed-forward network sees velocities and flicker: the baseline of the recurrent agents.
// Any env takes it through the registry's env option frame_stack=k (envs/registry.h).
#include <memory>
#include <vector>

#include "envs/wrappers/env_wrapper.h"

namespace tp::envs {

class FrameStack final : public EnvWrapper {
 public:
  FrameStack(std::unique_ptr<Env> inner, int frames);

  const BoxSpace& observation_space() const override { return space_; }
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  StepResult step_continuous(const float* action) override;
  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override { Env::observe_bytes(out); }
  // The wrapped env's state, then the k stacked frames, oldest first.
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<FrameStack>(*this); }

  int frames() const { return frames_; }

 private:
  void fill();  // every slot := the current observation
  void push();  // drop the oldest, append the current observation

  int frames_;
  size_t frame_size_;
  BoxSpace space_;
  std::vector<float> stack_;  // frames_ x frame_size_, oldest first
};

}  // namespace tp::envs
