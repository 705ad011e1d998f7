#include "agents/r2d2/r2d2_trainer.h"

#include <cmath>

#include "agents/dqn/replay_memory.h"
#include "agents/r2d2/recurrent_eval.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/options.h"
#include "envs/registry.h"
#include "nets/layers.h"
#include "nets/optimizer.h"

namespace tp::agents::r2d2 {

namespace {
R2d2NetworkOptions network_options(const R2d2Options& o, const envs::Env& env) {
  envs::require_discrete_actions(env, "r2d2");
  const auto& shape = env.observation_space().shape;
  TP_CHECK_AS(UsageError, shape.size() == 1 || (shape.size() == 3 && shape[1] > 2 && shape[2] > 2),
              "r2d2 takes vector observations or image planes {C, H, W} (H, W > 2); ", env.id(), " has ",
              env.observation_space().to_string());
  R2d2NetworkOptions n;
  n.obs_size = env.observation_space().size();
  if (shape.size() == 3) n.planes.assign(shape.begin(), shape.end());
  n.num_actions = env.action_space().n;
  n.torso = o.torso.empty() ? std::vector<int64_t>{} : parse_widths(o.torso, "--torso");
  n.lstm_size = o.lstm_size;
  n.dueling = o.dueling;
  return n;
}
}  // namespace

R2d2Trainer::R2d2Trainer(const R2d2Options& o, const envs::Env& prototype, uint64_t seed, torch::Device device)
    : o_(o),
      device_(device),
      obs_size_(prototype.observation_space().size()),
      num_actions_(prototype.action_space().n),
      replay_(o.replay_size, o.seq_length, prototype.observation_space().size(), o.lstm_size),
      sampler_(o.replay_size, o.priority_exponent, 1e-6),
      rng_(seed ^ 0x2d2d2d2dULL) {
  const R2d2NetworkOptions net = network_options(o, prototype);
  loss_.burn_in = o.burn_in;
  loss_.n_step = o.n_step;
  loss_.gamma = o.gamma;
  loss_.eta = o.priority_eta;
  loss_.rescale_eps = o.rescale_eps;
  loss_.stored_state = o.recurrent_state == "stored";
  online_ = R2d2Network(net);
  online_->to(device_);
  target_ = clone_network(online_);
  nets::OptimizerOptions opt;
  opt.name = "adam";
  opt.lr = o.lr;
  opt.eps = o.adam_eps;
  optimizer_ = nets::make_optimizer(online_->parameters(), opt);
  const int k = o.num_envs;
  for (int i = 0; i < k; ++i) {
    envs_.push_back(prototype.clone());
    envs_.back()->reset(seed + static_cast<uint64_t>(i));
    builders_.emplace_back(obs_size_, o.lstm_size, o.seq_length);
  }
  obs_ = torch::zeros({1, k, obs_size_});
  for (int i = 0; i < k; ++i) envs_[static_cast<size_t>(i)]->observe(obs_.data_ptr<float>() + i * obs_size_);
  state_ = RecurrentState::zeros(k, o.lstm_size);
  returns_.assign(static_cast<size_t>(k), 0.0);
  lengths_.assign(static_cast<size_t>(k), 0);
}

std::vector<FinishedEpisode> R2d2Trainer::step() {
  const int k = o_.num_envs;
  torch::Tensor q;
  RecurrentState next;
  {
    c10::InferenceMode guard;
    auto [qv, st] = online_->forward(obs_.to(device_), {state_.h.to(device_), state_.c.to(device_)});
    q = qv[0].to(torch::kCPU).contiguous();
    next = {st.h.to(torch::kCPU).clone(), st.c.to(torch::kCPU).clone()};
  }
  const torch::Tensor greedy = q.argmax(1).contiguous();
  const int64_t* g = greedy.data_ptr<int64_t>();
  const int64_t hs = o_.lstm_size;
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
    if (rng_.uniform() < o_.actor_epsilon_of(i))
      action = static_cast<int64_t>(rng_.below(static_cast<uint32_t>(num_actions_)));
    const envs::StepResult r = envs_[u]->step(static_cast<int>(action));
    envs_[u]->observe(next_obs.data());
    for (Sequence& s : builders_[u].add(obs + i * obs_size_, h + i * hs, c + i * hs, action, r.reward, next_obs.data(),
                                        r.terminated, r.truncated))
      // A sequence no longer than the burn-in has no loss step (an episode of <= burn_in
      // steps): its zero priority would only shrink every other importance weight.
      if (s.length > o_.burn_in) sampler_.on_add(replay_.add(s));
    returns_[u] += r.reward;
    lengths_[u] += 1;
    if (r.done()) {
      ended.push_back({i, returns_[u], lengths_[u]});
      ++episodes_;
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
  steps_ += k;
  ++vector_steps_;
  if (steps_ >= o_.learning_starts && replay_.size() >= o_.batch_size && vector_steps_ % o_.train_every == 0) update();
  return ended;
}

void R2d2Trainer::update() {
  dqn::ReplayBatch rb(o_.batch_size, {1});
  sampler_.sample(replay_.size(), o_.importance_exponent, rng_, rb);
  SequenceBatch b = replay_.gather(rb.indices);
  if (device_ != torch::kCPU) {
    b.obs = b.obs.to(device_);
    b.actions = b.actions.to(device_);
    b.rewards = b.rewards.to(device_);
    b.state = {b.state.h.to(device_), b.state.c.to(device_)};
  }
  LossOutput out = sequence_loss(online_, target_, b, rb.weights, loss_);
  optimizer_->zero_grad();
  out.loss.backward();
  if (o_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(online_->parameters(), o_.max_grad_norm);
  optimizer_->step();
  const torch::Tensor p = out.priorities.contiguous();
  sampler_.update(rb.indices, p.data_ptr<float>());
  ++updates_;
  if (updates_ % o_.target_sync_every == 0) copy_parameters(online_, target_);
  loss_sum_ += out.loss.item<double>();
  q_sum_ += out.q_mean;
  ++loss_count_;
}

EvalReport R2d2Trainer::evaluate_periodic(int episodes, uint64_t seed) {
  EvalReport rep = evaluate_recurrent(online_, *envs_.front(), episodes, seed);
  if (o_.final_policy == "best" && (!best_ || rep.return_stats.mean > best_return_)) {
    best_ = clone_network(online_);
    best_return_ = rep.return_stats.mean;
  }
  return rep;
}

std::pair<double, double> R2d2Trainer::take_loss_stats() {
  const double n = static_cast<double>(loss_count_);
  std::pair<double, double> r =
      loss_count_ ? std::make_pair(loss_sum_ / n, q_sum_ / n) : std::make_pair(std::nan(""), std::nan(""));
  loss_sum_ = q_sum_ = 0;
  loss_count_ = 0;
  return r;
}

CheckpointHeader R2d2Trainer::checkpoint_header() const {
  CheckpointHeader h;
  h.algorithm = kR2d2Algorithm;
  h.env = o_.env;
  h.architecture = architecture();
  return h;
}

void R2d2Trainer::save(CheckpointWriter& w) const {
  w.header().counters["steps"] = steps_;
  w.header().counters["updates"] = updates_;
  w.header().counters["episodes"] = episodes_;
  w.header().counters["vector_steps"] = vector_steps_;
  w.add_module("online", *online_);
  w.add_module("target", *target_);
  if (best_) {
    w.add_module("best", **best_);
    w.add_tensor("best_return", torch::tensor({best_return_}, torch::kFloat64));
  }
  w.add_optimizer("optimizer", *optimizer_);
  w.add_rng("rng", rng_);
  w.add_torch_rng("torch_rng");
  for (size_t i = 0; i < envs_.size(); ++i) {
    const std::string p = "actor" + std::to_string(i) + "/";
    w.add_tensor(p + "env_state", torch::tensor(envs_[i]->get_state(), torch::kFloat64));
    w.add_tensor(p + "builder", torch::tensor(builders_[i].state(), torch::kFloat64));
    w.add_tensor(p + "episode", torch::tensor({returns_[i], static_cast<double>(lengths_[i])}, torch::kFloat64));
  }
  w.add_tensor("actor_h", state_.h);
  w.add_tensor("actor_c", state_.c);
  if (o_.save_replay) {
    replay_.save(w, "replay/");
    sampler_.save(w, "per/");
  }
}

bool R2d2Trainer::load(CheckpointReader& r) {
  r.expect(kR2d2Algorithm, architecture());
  const CheckpointHeader& h = r.header();
  steps_ = h.counter("steps");
  updates_ = h.counter("updates");
  episodes_ = h.counter("episodes");
  vector_steps_ = h.counter("vector_steps");
  r.load_module("online", *online_);
  r.load_module("target", *target_);
  if (r.has("best")) {
    best_ = clone_network(online_);
    r.load_module("best", **best_);
    best_return_ = r.tensor("best_return").item<double>();
  }
  r.load_optimizer("optimizer", *optimizer_);
  r.load_rng("rng", rng_);
  r.load_torch_rng("torch_rng");
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
  // Without a stored replay the run refills it: updates wait for batch_size sequences.
  const bool has_replay = r.has("replay/cursor");
  if (has_replay) {
    replay_.load(r, "replay/");
    sampler_.load(r, "per/");
  }
  return has_replay;
}

}  // namespace tp::agents::r2d2
