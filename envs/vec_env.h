#pragma once
// VecEnv: N copies of one env stepped together (discrete actions with step(), continuous ones
// with step_continuous()) into one contiguous float batch, with
// auto-reset (a finished copy starts its next episode at once), optionally across worker
// threads. Per step it reports rewards, `terminated` and `truncated` kept apart, the final
// observation of every episode that ended (what a truncated episode bootstraps from) and
// each finished episode's return and length. Copies own their generators: the batch is the
// same whatever the thread count.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/part_pool.h"
#include "envs/env.h"

namespace tp::envs {

class VecEnv {
 public:
  struct FinishedEpisode {
    int index;              // which copy
    double episode_return;  // sum of its rewards
    int length;             // steps
    bool terminated, truncated;
  };

  // N copies of `prototype` (cloned); `threads` workers in all (1: the calling thread only).
  VecEnv(const Env& prototype, int num_envs, int threads = 1);
  explicit VecEnv(std::vector<std::unique_ptr<Env>> envs, int threads = 1);
  ~VecEnv();
  VecEnv(const VecEnv&) = delete;
  VecEnv& operator=(const VecEnv&) = delete;

  int size() const { return static_cast<int>(envs_.size()); }
  int threads() const { return pool_->parts(); }
  const BoxSpace& observation_space() const { return envs_.front()->observation_space(); }
  DiscreteSpace action_space() const { return envs_.front()->action_space(); }
  // The copies' continuous action box, nullptr for discrete envs.
  const BoxSpace* continuous_action_space() const { return envs_.front()->continuous_action_space(); }
  // Floats per copy in step_continuous (0 for discrete envs).
  int64_t action_dim() const { return action_dim_; }
  int64_t obs_size() const { return obs_size_; }

  // Copy i: reset(seed + i). Fills obs().
  void reset(uint64_t seed);
  // actions[i] for copy i (size() of them). A tp::Error from any copy (e.g. an invalid
  // action) is rethrown here after all workers finished the step.
  void step(const int* actions);
  void step(const std::vector<int>& actions);
  // Continuous-action envs: [size(), action_dim] row-major floats, row i for copy i (the envs
  // clip values outside the box). Same auto-reset and bookkeeping as step(); tp::Error for a
  // discrete env, and for a NaN before any copy steps.
  void step_continuous(const float* actions);
  void step_continuous(const std::vector<float>& actions);

  // [size(), obs_size()] row-major: the current observation of every copy (for a copy that
  // just finished: the first observation of its new episode).
  const float* obs() const { return obs_.data(); }
  const float* obs(int i) const { return obs_.data() + static_cast<int64_t>(i) * obs_size_; }
  // Last step's results, one per copy.
  const std::vector<float>& rewards() const { return rewards_; }
  const std::vector<uint8_t>& terminated() const { return terminated_; }
  const std::vector<uint8_t>& truncated() const { return truncated_; }
  bool done(int i) const { return terminated_[static_cast<size_t>(i)] || truncated_[static_cast<size_t>(i)]; }
  // The last observation of the episode copy i finished in the last step (valid when done(i)).
  const float* final_obs(int i) const { return final_obs_.data() + static_cast<int64_t>(i) * obs_size_; }
  // Episodes that ended in the last step, in copy order.
  const std::vector<FinishedEpisode>& finished() const { return finished_; }

  Env& env(int i) { return *envs_.at(static_cast<size_t>(i)); }
  const Env& env(int i) const { return *envs_.at(static_cast<size_t>(i)); }

 private:
  void init(int threads);
  // Steps every copy with the actions set in actions_ or continuous_actions_, then records
  // the finished episodes.
  void step_all();
  void run_range(int begin, int end);  // steps copies [begin, end)
  int chunk_begin(int part) const;

  std::vector<std::unique_ptr<Env>> envs_;
  int64_t obs_size_ = 0;
  std::vector<float> obs_, final_obs_, rewards_;
  std::vector<uint8_t> terminated_, truncated_;
  std::vector<double> returns_;  // running episode returns
  std::vector<int> lengths_;
  std::vector<FinishedEpisode> finished_;

  std::unique_ptr<PartPool> pool_;  // part p steps the copies [chunk_begin(p), chunk_begin(p + 1))
  // The step in flight: discrete actions, or continuous rows of action_dim_ floats.
  const int* actions_ = nullptr;
  const float* continuous_actions_ = nullptr;
  int64_t action_dim_ = 0;
};

}  // namespace tp::envs
