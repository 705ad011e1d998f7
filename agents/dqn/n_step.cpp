#include "agents/dqn/n_step.h"

#include <torch/torch.h>

#include <cstring>
#include <limits>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents::dqn {

NStepBuffer::NStepBuffer(int n, double gamma, int64_t obs_size) : n_(n), gamma_(gamma), obs_size_(obs_size) {
  TP_CHECK_AS(UsageError, n >= 1 && n <= 255, "--n-step must be in [1, 255], got ", n);
  obs_.assign(static_cast<size_t>(n * obs_size), 0.0f);
  actions_.assign(static_cast<size_t>(n), 0);
  rewards_.assign(static_cast<size_t>(n), 0.0f);
}

void NStepBuffer::emit_oldest(const float* next_obs, bool terminated, bool truncated, const Emit& emit) {
  // R = sum_{i<k} gamma^i r_{t+i}, summed in double and stored as float.
  double ret = 0.0, discount = 1.0;
  for (int64_t i = 0; i < count_; ++i) {
    ret += discount * rewards_[static_cast<size_t>((head_ + i) % n_)];
    discount *= gamma_;
  }
  const auto h = static_cast<size_t>(head_);
  emit(Transition{obs_.data() + h * static_cast<size_t>(obs_size_), actions_[h], static_cast<float>(ret), next_obs,
                  terminated, truncated, static_cast<int>(count_)});
  head_ = (head_ + 1) % n_;
  --count_;
}

void NStepBuffer::push(const float* obs, int action, float reward, const float* next_obs, bool terminated,
                       bool truncated, const Emit& emit) {
  const auto slot = static_cast<size_t>((head_ + count_) % n_);
  std::memcpy(obs_.data() + slot * static_cast<size_t>(obs_size_), obs, static_cast<size_t>(obs_size_) * sizeof(float));
  actions_[slot] = action;
  rewards_[slot] = reward;
  ++count_;
  if (terminated || truncated) {
    // Episode over: every pending start gets the return to the end and the final flags.
    while (count_ > 0) emit_oldest(next_obs, terminated, truncated, emit);
    head_ = 0;
  } else if (count_ == n_) {
    emit_oldest(next_obs, false, false, emit);
  }
}

void NStepBuffer::save(CheckpointWriter& w, const std::string& p) const {
  w.add_tensor(p + "cursor", torch::tensor({static_cast<int64_t>(n_), head_, count_}, torch::kInt64));
  w.add_tensor(p + "obs",
               torch::from_blob(const_cast<float*>(obs_.data()), {static_cast<int64_t>(obs_.size())}).clone());
  w.add_tensor(p + "actions", torch::tensor(std::vector<int64_t>(actions_.begin(), actions_.end()), torch::kInt64));
  w.add_tensor(p + "rewards", torch::from_blob(const_cast<float*>(rewards_.data()), {n_}).clone());
}

void NStepBuffer::load(CheckpointReader& r, const std::string& p) {
  // Every size and cursor is checked before use: a checkpoint is data, and an edited one must
  // not index past the buffers.
  auto bad = [&](const char* what) { TP_THROW(CheckpointError, "checkpoint '", r.path(), "': n-step buffer ", what); };
  const torch::Tensor cursor = r.tensor(p + "cursor");
  if (cursor.scalar_type() != torch::kInt64 || cursor.numel() != 3) bad("cursor is malformed");
  const int64_t* c = cursor.data_ptr<int64_t>();
  if (c[0] != n_) bad("has another n");
  // count_ reaches n only inside push(), which emits before returning.
  if (c[1] < 0 || c[1] >= n_ || c[2] < 0 || c[2] >= n_) bad("cursor is out of range");
  const torch::Tensor obs = r.tensor(p + "obs");
  if (obs.scalar_type() != torch::kFloat32 || obs.numel() != static_cast<int64_t>(obs_.size()))
    bad("has another observation size");
  const torch::Tensor a = r.tensor(p + "actions");
  const torch::Tensor rewards = r.tensor(p + "rewards");
  if (a.scalar_type() != torch::kInt64 || a.numel() != n_ || rewards.scalar_type() != torch::kFloat32 ||
      rewards.numel() != n_)
    bad("actions or rewards are malformed");
  const int64_t* ad = a.data_ptr<int64_t>();
  for (int i = 0; i < n_; ++i)
    if (ad[i] < 0 || ad[i] > std::numeric_limits<int>::max()) bad("holds a negative action");
  std::memcpy(obs_.data(), obs.data_ptr<float>(), obs_.size() * sizeof(float));
  for (int i = 0; i < n_; ++i) actions_[static_cast<size_t>(i)] = static_cast<int>(ad[i]);
  std::memcpy(rewards_.data(), rewards.data_ptr<float>(), rewards_.size() * sizeof(float));
  head_ = c[1];
  count_ = c[2];
}

}  // namespace tp::agents::dqn
