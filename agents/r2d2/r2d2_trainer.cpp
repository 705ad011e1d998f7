#include "agents/r2d2/r2d2_trainer.h"

#include <cmath>

#include "agents/dqn/replay_memory.h"
#include "agents/r2d2/actor_sequences.h"
#include "agents/r2d2/recurrent_eval.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/options.h"
#include "envs/registry.h"
#include "nets/layers.h"
#include "nets/optimizer.h"

namespace tp::agents::r2d2 {

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

R2d2Trainer::R2d2Trainer(const R2d2Options& o, const envs::Env& prototype, uint64_t seed, torch::Device device)
    : o_(o),
      loss_(loss_settings(o)),
      device_(device),
      replay_(o.replay_size, o.seq_length, prototype.observation_space().size(), o.lstm_size),
      sampler_(o.replay_size, o.priority_exponent, 1e-6),
      actors_(prototype, o.num_envs, o.lstm_size, o.seq_length, seed),
      rng_(seed ^ 0x2d2d2d2dULL) {
  online_ = R2d2Network(network_options(o, prototype));
  online_->to(device_);
  target_ = clone_network(online_);
  nets::OptimizerOptions opt;
  opt.name = "adam";
  opt.lr = o.lr;
  opt.eps = o.adam_eps;
  optimizer_ = nets::make_optimizer(online_->parameters(), opt);
  epsilons_ = o.actor_epsilons();
}

std::vector<FinishedEpisode> R2d2Trainer::step() {
  std::vector<FinishedEpisode> ended = actors_.step(online_, device_, epsilons_, rng_, [&](Sequence& s) {
    if (worth_replaying(s, o_.burn_in)) sampler_.on_add(replay_.add(s));
  });
  episodes_ += static_cast<int64_t>(ended.size());
  steps_ += o_.num_envs;
  ++vector_steps_;
  if (steps_ >= o_.learning_starts && replay_.size() >= o_.batch_size && vector_steps_ % o_.train_every == 0) update();
  return ended;
}

void R2d2Trainer::ingest(const ActorSequences& batch) {
  for (size_t i = 0; i < batch.sequences.size(); ++i)
    if (worth_replaying(batch.sequences[i], o_.burn_in))
      sampler_.on_add(replay_.add(batch.sequences[i]), batch.priorities[i]);
  steps_ += batch.frames;
  episodes_ += static_cast<int64_t>(batch.episodes.size());
  if (steps_ < o_.learning_starts || replay_.size() < o_.batch_size) return;
  update_credit_ += static_cast<double>(batch.frames) / (static_cast<double>(o_.num_envs) * o_.train_every);
  for (; update_credit_ >= 1.0; update_credit_ -= 1.0) update();
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
  EvalReport rep = evaluate_recurrent(online_, actors_.env(0), episodes, seed);
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
  actors_.save(w);
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
  actors_.load(r);
  // Without a stored replay the run refills it: updates wait for batch_size sequences.
  const bool has_replay = r.has("replay/cursor");
  if (has_replay) {
    replay_.load(r, "replay/");
    sampler_.load(r, "per/");
  }
  return has_replay;
}

}  // namespace tp::agents::r2d2
