#include "envs/wrappers/flicker.h"

#include <cmath>
#include <cstring>

#include "core/error.h"

namespace tp::envs {

namespace {
// Keeps the blanking stream apart from the wrapped env's own, which reset(seed) also seeds.
constexpr uint64_t kFlickerStream = 0x666c69636b657221ULL;
constexpr size_t kOwnState = 1 + kRngStateDoubles;
}  // namespace

Flicker::Flicker(std::unique_ptr<Env> inner, double blank_probability, std::string id)
    : EnvWrapper(std::move(inner)), p_(blank_probability), id_(std::move(id)) {
  TP_CHECK_AS(UsageError, std::isfinite(p_) && p_ >= 0 && p_ <= 1, id_,
              ": the blanking probability must be in [0, 1], got ", p_);
  const BoxSpace& space = wrapped().observation_space();
  for (size_t i = 0; i < space.low.size(); ++i)
    TP_CHECK(space.low[i] <= 0 && space.high[i] >= 0, id_, ": a blank (zero) observation must lie in ",
             space.to_string());
}

void Flicker::reset(uint64_t seed) {
  wrapped().reset(seed);
  rng_.seed_with(seed ^ kFlickerStream);
  draw();
}

void Flicker::reset() {
  wrapped().reset();
  draw();
}

StepResult Flicker::step(int action) {
  const StepResult r = wrapped().step(action);
  draw();
  return r;
}

StepResult Flicker::step_continuous(const float* action) {
  const StepResult r = wrapped().step_continuous(action);
  draw();
  return r;
}

void Flicker::observe(float* out) const {
  if (!blanked_) return wrapped().observe(out);
  std::memset(out, 0, sizeof(float) * static_cast<size_t>(observation_space().size()));
}

void Flicker::observe_bytes(uint8_t* out) const {
  if (!blanked_) return wrapped().observe_bytes(out);
  std::memset(out, 0, static_cast<size_t>(observation_space().size()));
}

std::vector<double> Flicker::get_state() const {
  std::vector<double> state = wrapped().get_state();
  state.push_back(blanked_ ? 1.0 : 0.0);
  append_rng_state(state, rng_);
  return state;
}

void Flicker::set_state(const std::vector<double>& state) {
  const std::vector<double> own = own_state(state, kOwnState);
  TP_CHECK(own[0] == 0.0 || own[0] == 1.0, id_, ": the blanked flag must be 0 or 1, got ", own[0]);
  for (size_t i = 1; i < kOwnState; ++i)
    TP_CHECK(own[i] >= 0 && own[i] <= 4294967295.0 && own[i] == std::floor(own[i]), id_,
             ": generator state values must be 32-bit integers");
  set_inner_state(state, kOwnState);
  blanked_ = own[0] == 1.0;
  read_rng_state(own.data() + 1, rng_);
}

}  // namespace tp::envs
