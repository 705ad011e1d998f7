#include "envs/vec_env.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tp::envs {

VecEnv::VecEnv(const Env& prototype, int num_envs, int threads) {
  TP_CHECK_AS(UsageError, num_envs >= 1, "VecEnv needs at least one env, got ", num_envs);
  for (int i = 0; i < num_envs; ++i) envs_.push_back(prototype.clone());
  init(threads);
}

VecEnv::VecEnv(std::vector<std::unique_ptr<Env>> envs, int threads) : envs_(std::move(envs)) {
  TP_CHECK_AS(UsageError, !envs_.empty(), "VecEnv needs at least one env");
  for (const auto& e : envs_) {
    TP_CHECK(e != nullptr, "VecEnv: null env");
    const BoxSpace* box = e->continuous_action_space();
    const BoxSpace* first_box = envs_.front()->continuous_action_space();
    TP_CHECK(e->observation_space().shape == envs_.front()->observation_space().shape &&
                 e->action_space().n == envs_.front()->action_space().n && (box == nullptr) == (first_box == nullptr) &&
                 (!box || box->shape == first_box->shape),
             "VecEnv: all envs need the same spaces (", e->id(), " differs from ", envs_.front()->id(), ")");
  }
  init(threads);
}

void VecEnv::init(int threads) {
  TP_CHECK_AS(UsageError, threads >= 1, "VecEnv threads must be >= 1, got ", threads);
  const size_t n = envs_.size();
  obs_size_ = envs_.front()->observation_space().size();
  if (const BoxSpace* box = envs_.front()->continuous_action_space()) action_dim_ = box->size();
  obs_.assign(n * static_cast<size_t>(obs_size_), 0.0f);
  final_obs_.assign(obs_.size(), 0.0f);
  rewards_.assign(n, 0.0f);
  terminated_.assign(n, 0);
  truncated_.assign(n, 0);
  returns_.assign(n, 0.0);
  lengths_.assign(n, 0);
  finished_.reserve(n);
  pool_ = std::make_unique<PartPool>(std::min(threads, static_cast<int>(n)));
}

VecEnv::~VecEnv() = default;

void VecEnv::reset(uint64_t seed) {
  for (int i = 0; i < size(); ++i) {
    envs_[static_cast<size_t>(i)]->reset(seed + static_cast<uint64_t>(i));
    envs_[static_cast<size_t>(i)]->observe(obs_.data() + i * obs_size_);
  }
  std::fill(rewards_.begin(), rewards_.end(), 0.0f);
  std::fill(terminated_.begin(), terminated_.end(), 0);
  std::fill(truncated_.begin(), truncated_.end(), 0);
  std::fill(returns_.begin(), returns_.end(), 0.0);
  std::fill(lengths_.begin(), lengths_.end(), 0);
  finished_.clear();
}

int VecEnv::chunk_begin(int part) const {
  const int parts = threads();
  return static_cast<int>(static_cast<int64_t>(size()) * part / parts);
}

void VecEnv::run_range(int begin, int end) {
  for (int i = begin; i < end; ++i) {
    Env& env = *envs_[static_cast<size_t>(i)];
    const size_t k = static_cast<size_t>(i);
    const StepResult r =
        continuous_actions_ ? env.step_continuous(continuous_actions_ + i * action_dim_) : env.step(actions_[i]);
    rewards_[k] = r.reward;
    terminated_[k] = r.terminated;
    truncated_[k] = r.truncated;
    returns_[k] += r.reward;
    ++lengths_[k];
    float* row = obs_.data() + i * obs_size_;
    if (r.done()) {
      env.observe(final_obs_.data() + i * obs_size_);
      env.reset();
    }
    env.observe(row);
  }
}

void VecEnv::step(const std::vector<int>& actions) {
  TP_CHECK(static_cast<int>(actions.size()) == size(), "VecEnv: ", actions.size(), " actions for ", size(), " envs");
  step(actions.data());
}

void VecEnv::step(const int* actions) {
  // Checked up front so a bad action leaves every copy untouched.
  if (const BoxSpace* box = continuous_action_space())
    TP_THROW(Error, "VecEnv: ", envs_.front()->id(), " takes continuous actions (", box->to_string(),
             "); use step_continuous");
  const int n_actions = action_space().n;
  for (int i = 0; i < size(); ++i)
    TP_CHECK(actions[i] >= 0 && actions[i] < n_actions, "VecEnv: invalid action ", actions[i], " for env ", i,
             " (valid: 0..", n_actions - 1, ")");
  actions_ = actions;
  continuous_actions_ = nullptr;
  step_all();
}

void VecEnv::step_continuous(const std::vector<float>& actions) {
  TP_CHECK(static_cast<int64_t>(actions.size()) == size() * action_dim_, "VecEnv: ", actions.size(),
           " action values for ", size(), " envs x ", action_dim_);
  step_continuous(actions.data());
}

void VecEnv::step_continuous(const float* actions) {
  const BoxSpace* box = continuous_action_space();
  TP_CHECK(box != nullptr, "VecEnv: ", envs_.front()->id(), " takes discrete actions (", action_space().to_string(),
           "), not continuous ones");
  // Checked up front (as step() checks its actions) so a NaN leaves every copy untouched.
  for (int64_t k = 0; k < static_cast<int64_t>(size()) * action_dim_; ++k)
    TP_CHECK(!std::isnan(actions[k]), "VecEnv: NaN action for env ", k / action_dim_);
  actions_ = nullptr;
  continuous_actions_ = actions;
  step_all();
}

void VecEnv::step_all() {
  pool_->run([this](int part) { run_range(chunk_begin(part), chunk_begin(part + 1)); });
  finished_.clear();
  for (int i = 0; i < size(); ++i) {
    const size_t k = static_cast<size_t>(i);
    if (!terminated_[k] && !truncated_[k]) continue;
    finished_.push_back({i, returns_[k], lengths_[k], terminated_[k] != 0, truncated_[k] != 0});
    returns_[k] = 0.0;
    lengths_[k] = 0;
  }
}

}  // namespace tp::envs
