#include "envs/minatar/minatar_env.h"

#include <cmath>

#include "core/error.h"

namespace tp::envs {

MinAtarOptions MinAtarOptions::from_kwargs(const EnvKwargs& kw, const std::string& env_id, bool minimal_default) {
  check_known_kwargs(kw, {"sticky_action_prob", "difficulty_ramping", "minimal_actions", "max_episode_steps"}, env_id);
  MinAtarOptions o;
  o.sticky_action_prob = kwarg_double(kw, "sticky_action_prob", o.sticky_action_prob);
  TP_CHECK_AS(UsageError, o.sticky_action_prob >= 0 && o.sticky_action_prob <= 1,
              "env option 'sticky_action_prob' must be in [0, 1], got ", o.sticky_action_prob);
  o.difficulty_ramping = kwarg_bool(kw, "difficulty_ramping", o.difficulty_ramping);
  o.minimal_actions = kwarg_bool(kw, "minimal_actions", minimal_default);
  const double steps = kwarg_double(kw, "max_episode_steps", 0);
  TP_CHECK_AS(UsageError, steps >= 0 && steps < 2e9 && steps == std::floor(steps),
              "env option 'max_episode_steps' must be a whole number >= 0 (0: none), got ", steps);
  o.max_episode_steps = static_cast<int>(steps);
  return o;
}

MinAtarEnv::MinAtarEnv(std::string id, std::vector<std::string> channel_names, const std::vector<int>& minimal_set,
                       const MinAtarOptions& options)
    : id_(std::move(id)),
      channel_names_(std::move(channel_names)),
      options_(options),
      max_steps_(options.max_episode_steps) {
  if (options.minimal_actions)
    action_set_ = minimal_set;
  else
    action_set_ = {kNoop, kLeft, kUp, kRight, kDown, kFire};
  const size_t n = channel_names_.size() * kSize * kSize;
  obs_space_.shape = {static_cast<int>(channel_names_.size()), kSize, kSize};
  obs_space_.low.assign(n, 0.0f);
  obs_space_.high.assign(n, 1.0f);
}

std::vector<std::string> MinAtarEnv::action_names() const {
  static const char* const kNames[6] = {"noop", "left", "up", "right", "down", "fire"};
  std::vector<std::string> out;
  for (int a : action_set_) out.emplace_back(kNames[a]);
  return out;
}

void MinAtarEnv::reset(uint64_t seed) {
  rng_.seed_with(seed);
  last_action_ = kNoop;
  reset();
}

void MinAtarEnv::reset() {
  game_reset();
  elapsed_ = 0;
  done_ = false;
}

StepResult MinAtarEnv::step(int action) {
  TP_CHECK(action >= 0 && action < static_cast<int>(action_set_.size()), id_, ": invalid action ", action,
           " (valid: 0..", action_set_.size() - 1, ")");
  TP_CHECK(!done_, id_, ": step() after the episode ended; call reset()");
  int a = action_set_[static_cast<size_t>(action)];
  // Upstream draws rand() every step; drawing only when p > 0 keeps p = 0 deterministic-cheap.
  if (options_.sticky_action_prob > 0 && rng_.uniform() < options_.sticky_action_prob) a = last_action_;
  last_action_ = a;
  bool terminal = false;
  StepResult r;
  r.reward = game_act(a, terminal);
  ++elapsed_;
  r.terminated = terminal;
  r.truncated = max_steps_ > 0 && elapsed_ >= max_steps_;
  done_ = r.done();
  return r;
}

std::vector<double> MinAtarEnv::get_state() const {
  std::vector<double> st{static_cast<double>(elapsed_), done_ ? 1.0 : 0.0, static_cast<double>(last_action_)};
  append_rng_state(st, rng_);
  game_save(st);
  return st;
}

void MinAtarEnv::set_state(const std::vector<double>& st) {
  constexpr size_t kHead = 3 + kRngStateDoubles;
  TP_CHECK(st.size() >= kHead, id_, ": state needs at least ", kHead, " values, got ", st.size());
  const int elapsed = state_int(st[0], 0, kNoTimeLimit, "elapsed steps");
  const bool done = state_int(st[1], 0, 1, "done flag") != 0;
  const int last = state_int(st[2], 0, 5, "last action");
  game_load(st.data() + kHead, st.size() - kHead);  // validates before anything else changes
  elapsed_ = elapsed;
  done_ = done;
  last_action_ = last;
  read_rng_state(st.data() + 3, rng_);
}

int state_int(double v, int lo, int hi, const char* what) {
  TP_CHECK(v == std::floor(v) && v >= lo && v <= hi, "env state: ", what, " must be an integer in [", lo, ", ", hi,
           "], got ", v);
  return static_cast<int>(v);
}

}  // namespace tp::envs
