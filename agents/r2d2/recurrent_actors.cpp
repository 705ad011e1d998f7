#include "agents/r2d2/recurrent_actors.h"

#include <algorithm>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents::r2d2 {

RecurrentActors::RecurrentActors(const envs::Env& prototype, int count, int64_t state_size, int64_t seq_length,
                                 uint64_t seed)
    : obs_size_(prototype.observation_space().size()),
      state_size_(state_size),
      num_actions_(prototype.action_space().n) {
  for (int i = 0; i < count; ++i) {
    envs_.push_back(prototype.clone());
    envs_.back()->reset(seed + static_cast<uint64_t>(i));
    builders_.emplace_back(obs_size_, state_size, seq_length);
  }
  obs_ = torch::zeros({1, count, obs_size_});
  for (int i = 0; i < count; ++i) envs_[static_cast<size_t>(i)]->observe(obs_.data_ptr<float>() + i * obs_size_);
  state_ = RecurrentState::zeros(count, state_size);
  returns_.assign(static_cast<size_t>(count), 0.0);
  lengths_.assign(static_cast<size_t>(count), 0);
}

std::vector<FinishedEpisode> RecurrentActors::step(R2d2Network& net, torch::Device device,
                                                   const std::vector<double>& epsilons, Rng& rng,
                                                   const std::function<void(Sequence&)>& on_sequence) {
  const int k = count();
  TP_CHECK(static_cast<int>(epsilons.size()) == k, "one epsilon per actor");
  torch::Tensor q;
  RecurrentState next;
  {
    c10::InferenceMode guard;
    auto [qv, st] = net->forward(obs_.to(device), {state_.h.to(device), state_.c.to(device)});
    q = qv[0].to(torch::kCPU).contiguous();
    next = {st.h.to(torch::kCPU).clone(), st.c.to(torch::kCPU).clone()};
  }
  const torch::Tensor greedy = q.argmax(1).contiguous();
  const int64_t* g = greedy.data_ptr<int64_t>();
  const int64_t hs = state_size_;
  float* obs = obs_.data_ptr<float>();
  const float* h = state_.h.data_ptr<float>();
  const float* c = state_.c.data_ptr<float>();
  float* nh = next.h.data_ptr<float>();
  float* nc = next.c.data_ptr<float>();
  std::vector<float> next_obs(static_cast<size_t>(obs_size_));
  std::vector<FinishedEpisode> ended;
  for (int i = 0; i < k; ++i) {
    const auto u = static_cast<size_t>(i);
    int64_t action = g[i];
    if (rng.uniform() < epsilons[u]) action = static_cast<int64_t>(rng.below(static_cast<uint32_t>(num_actions_)));
    const envs::StepResult r = envs_[u]->step(static_cast<int>(action));
    envs_[u]->observe(next_obs.data());
    for (Sequence& s : builders_[u].add(obs + i * obs_size_, h + i * hs, c + i * hs, action, r.reward, next_obs.data(),
                                        r.terminated, r.truncated))
      on_sequence(s);
    returns_[u] += r.reward;
    lengths_[u] += 1;
    if (r.done()) {
      ended.push_back({i, returns_[u], lengths_[u]});
      returns_[u] = 0;
      lengths_[u] = 0;
      envs_[u]->reset();
      envs_[u]->observe(obs + i * obs_size_);
      std::fill(nh + i * hs, nh + (i + 1) * hs, 0.0f);
      std::fill(nc + i * hs, nc + (i + 1) * hs, 0.0f);
    } else {
      std::copy(next_obs.begin(), next_obs.end(), obs + i * obs_size_);
    }
  }
  state_ = next;
  return ended;
}

void RecurrentActors::save(CheckpointWriter& w) const {
  for (size_t i = 0; i < envs_.size(); ++i) {
    const std::string p = "actor" + std::to_string(i) + "/";
    w.add_tensor(p + "env_state", torch::tensor(envs_[i]->get_state(), torch::kFloat64));
    w.add_tensor(p + "builder", torch::tensor(builders_[i].state(), torch::kFloat64));
    w.add_tensor(p + "episode", torch::tensor({returns_[i], static_cast<double>(lengths_[i])}, torch::kFloat64));
  }
  w.add_tensor("actor_h", state_.h);
  w.add_tensor("actor_c", state_.c);
}

void RecurrentActors::load(CheckpointReader& r) {
  for (size_t i = 0; i < envs_.size(); ++i) {
    const std::string p = "actor" + std::to_string(i) + "/";
    TP_CHECK_AS(CheckpointError, r.has(p + "env_state"), "checkpoint '", r.path(), "' has no actor ", i,
                " (it was trained with fewer --num-envs)");
    const std::vector<double> es = r.doubles(p + "env_state");
    const std::vector<double> bs = r.doubles(p + "builder");
    const std::vector<double> ep = r.doubles(p + "episode");
    TP_CHECK_AS(CheckpointError, ep.size() == 2, "checkpoint '", r.path(), "': malformed episode progress");
    r.interpret([&] {
      envs_[i]->set_state(es);
      builders_[i].set_state(bs);
    });
    envs_[i]->observe(obs_.data_ptr<float>() + static_cast<int64_t>(i) * obs_size_);
    returns_[i] = ep[0];
    lengths_[i] = static_cast<int64_t>(ep[1]);
  }
  const torch::Tensor ah = r.tensor("actor_h"), ac = r.tensor("actor_c");
  TP_CHECK_AS(CheckpointError, ah.sizes() == state_.h.sizes() && ac.sizes() == state_.c.sizes(), "checkpoint '",
              r.path(), "': actor states do not match --num-envs");
  state_.h.copy_(ah);
  state_.c.copy_(ac);
}

}  // namespace tp::agents::r2d2
