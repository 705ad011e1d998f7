#include "agents/alphazero/replay_window.h"

#include <torch/torch.h>

#include <cstring>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents {

ReplayWindow::ReplayWindow(int capacity, int plane_floats, int num_actions, int ownership_cells)
    : capacity_(capacity), plane_floats_(plane_floats), num_actions_(num_actions), cells_(ownership_cells) {
  TP_CHECK_AS(UsageError, capacity > 0, "the self-play window needs room for at least one position");
  TP_CHECK(cells_ >= 0 && cells_ <= num_actions_, "ownership cells must be board cells (actions)");
}

void ReplayWindow::add(const TrainingPosition& p) {
  TP_CHECK(static_cast<int>(p.planes.size()) == plane_floats_ && static_cast<int>(p.policy.size()) == num_actions_,
           "training position of the wrong shape");
  TP_CHECK(cells_ == 0 || static_cast<int>(p.ownership.size()) == cells_,
           "training position without ownership targets (the game scores no territory)");
  if (size_ < capacity_) {  // grows to capacity, then overwrites the oldest
    planes_.insert(planes_.end(), p.planes.begin(), p.planes.end());
    policy_.insert(policy_.end(), p.policy.begin(), p.policy.end());
    z_.push_back(p.z);
    if (cells_ > 0) {
      ownership_.insert(ownership_.end(), p.ownership.begin(), p.ownership.end());
      score_.push_back(p.score);
    }
    ++size_;
    next_ = size_ % capacity_;
  } else {
    std::memcpy(&planes_[static_cast<size_t>(next_) * plane_floats_], p.planes.data(), sizeof(float) * plane_floats_);
    std::memcpy(&policy_[static_cast<size_t>(next_) * num_actions_], p.policy.data(), sizeof(float) * num_actions_);
    z_[next_] = p.z;
    if (cells_ > 0) {
      std::memcpy(&ownership_[static_cast<size_t>(next_) * cells_], p.ownership.data(), sizeof(float) * cells_);
      score_[next_] = p.score;
    }
    next_ = (next_ + 1) % capacity_;
  }
  ++total_added_;
}

void ReplayWindow::sample(int batch, const envs::GameState& game, Rng& rng, const ReplayBatch& out) const {
  TP_CHECK(size_ > 0, "sampling from an empty self-play window");
  TP_CHECK(cells_ == 0 || (out.ownership && out.score), "sampling needs ownership and score buffers");
  const int symmetries = game.num_symmetries();
  for (int b = 0; b < batch; ++b) {
    const size_t i = rng.below(static_cast<uint32_t>(size_));
    const int k = static_cast<int>(rng.below(static_cast<uint32_t>(symmetries)));
    game.transform_planes(k, &planes_[i * plane_floats_], out.planes + static_cast<size_t>(b) * plane_floats_);
    float* pol = out.policy + static_cast<size_t>(b) * num_actions_;
    const float* src = &policy_[i * num_actions_];
    for (int a = 0; a < num_actions_; ++a) pol[game.symmetry_action(k, a)] = src[a];
    out.z[b] = z_[i];
    if (cells_ > 0) {  // cell c is the action that places a stone there (GameInfo), so it maps alike
      float* own = out.ownership + static_cast<size_t>(b) * cells_;
      const float* own_src = &ownership_[i * cells_];
      for (int c = 0; c < cells_; ++c) own[game.symmetry_action(k, c)] = own_src[c];
      out.score[b] = score_[i];
    }
  }
}

void ReplayWindow::save(CheckpointWriter& w) const {
  auto opts = torch::TensorOptions().dtype(torch::kFloat32);
  w.add_tensor("window_planes",
               torch::from_blob(const_cast<float*>(planes_.data()), {size_, plane_floats_}, opts).clone());
  w.add_tensor("window_policy",
               torch::from_blob(const_cast<float*>(policy_.data()), {size_, num_actions_}, opts).clone());
  w.add_tensor("window_z", torch::from_blob(const_cast<float*>(z_.data()), {size_}, opts).clone());
  if (cells_ > 0) {
    w.add_tensor("window_ownership",
                 torch::from_blob(const_cast<float*>(ownership_.data()), {size_, cells_}, opts).clone());
    w.add_tensor("window_score", torch::from_blob(const_cast<float*>(score_.data()), {size_}, opts).clone());
  }
  w.add_tensor("window_meta", torch::tensor({int64_t{capacity_}, int64_t{next_}, total_added_}, torch::kInt64));
}

void ReplayWindow::load(CheckpointReader& r) {
  const auto meta = r.tensor("window_meta");
  const auto planes = r.tensor("window_planes").contiguous();
  const auto policy = r.tensor("window_policy").contiguous();
  const auto z = r.tensor("window_z").contiguous();
  const int n = static_cast<int>(z.size(0));
  TP_CHECK_AS(CheckpointError,
              meta.numel() == 3 && planes.dim() == 2 && planes.size(1) == plane_floats_ &&
                  policy.size(1) == num_actions_ && planes.size(0) == n && policy.size(0) == n,
              "checkpoint '", r.path(), "': the self-play window does not fit this game");
  TP_CHECK_AS(CheckpointError, meta[0].item<int64_t>() == capacity_, "checkpoint '", r.path(),
              "': window capacity differs from --window-positions");
  if (cells_ > 0) {
    TP_CHECK_AS(CheckpointError, r.has("window_ownership") && r.has("window_score"), "checkpoint '", r.path(),
                "' holds no ownership targets (trained without --ownership-weight/--score-weight)");
    const auto ownership = r.tensor("window_ownership").contiguous();
    const auto score = r.tensor("window_score").contiguous();
    TP_CHECK_AS(CheckpointError,
                ownership.dim() == 2 && ownership.size(0) == n && ownership.size(1) == cells_ && score.numel() == n,
                "checkpoint '", r.path(), "': the ownership targets do not fit this board");
    ownership_.assign(ownership.data_ptr<float>(), ownership.data_ptr<float>() + ownership.numel());
    score_.assign(score.data_ptr<float>(), score.data_ptr<float>() + n);
  }
  size_ = n;
  next_ = static_cast<int>(meta[1].item<int64_t>());
  total_added_ = meta[2].item<int64_t>();
  planes_.assign(planes.data_ptr<float>(), planes.data_ptr<float>() + planes.numel());
  policy_.assign(policy.data_ptr<float>(), policy.data_ptr<float>() + policy.numel());
  z_.assign(z.data_ptr<float>(), z.data_ptr<float>() + n);
}

}  // namespace tp::agents
