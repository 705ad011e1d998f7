#include "envs/wrappers/frame_stack.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tp::envs {

FrameStack::FrameStack(std::unique_ptr<Env> inner, int frames) : EnvWrapper(std::move(inner)), frames_(frames) {
  TP_CHECK_AS(UsageError, frames_ >= 1 && frames_ <= 64, id(), ": frame_stack must be in [1, 64], got ", frames_);
  const BoxSpace& one = wrapped().observation_space();
  frame_size_ = static_cast<size_t>(one.size());
  space_ = one;
  space_.shape[0] *= frames_;
  space_.low.clear();
  space_.high.clear();
  for (int k = 0; k < frames_; ++k) {
    space_.low.insert(space_.low.end(), one.low.begin(), one.low.end());
    space_.high.insert(space_.high.end(), one.high.begin(), one.high.end());
  }
  stack_.assign(frame_size_ * static_cast<size_t>(frames_), 0.0f);
}

void FrameStack::fill() {
  wrapped().observe(stack_.data());
  for (int k = 1; k < frames_; ++k)
    std::copy_n(stack_.begin(), frame_size_, stack_.begin() + static_cast<std::ptrdiff_t>(k * frame_size_));
}

void FrameStack::push() {
  std::copy(stack_.begin() + static_cast<std::ptrdiff_t>(frame_size_), stack_.end(), stack_.begin());
  wrapped().observe(stack_.data() + (stack_.size() - frame_size_));
}

void FrameStack::reset(uint64_t seed) {
  wrapped().reset(seed);
  fill();
}

void FrameStack::reset() {
  wrapped().reset();
  fill();
}

StepResult FrameStack::step(int action) {
  const StepResult r = wrapped().step(action);
  push();
  return r;
}

StepResult FrameStack::step_continuous(const float* action) {
  const StepResult r = wrapped().step_continuous(action);
  push();
  return r;
}

void FrameStack::observe(float* out) const { std::copy(stack_.begin(), stack_.end(), out); }

std::vector<double> FrameStack::get_state() const {
  std::vector<double> state = wrapped().get_state();
  state.insert(state.end(), stack_.begin(), stack_.end());
  return state;
}

void FrameStack::set_state(const std::vector<double>& state) {
  const std::vector<double> own = own_state(state, stack_.size());
  for (const double v : own) TP_CHECK(std::isfinite(v), id(), ": stacked frames must be finite");
  set_inner_state(state, stack_.size());
  std::copy(own.begin(), own.end(), stack_.begin());
}

}  // namespace tp::envs
