#include "generative/models/adversarial_pair.h"

#include <torch/torch.h>

#include "core/checkpoint.h"

namespace tp::gen {

AdversarialPair::AdversarialPair(std::string prefix, Make make_g, Make make_d, double lr, double beta1, double beta2)
    : prefix_(std::move(prefix)), make_g_(std::move(make_g)), make_d_(std::move(make_d)) {
  adam_.name = "adam";
  adam_.lr = lr;
  adam_.beta1 = beta1;
  adam_.beta2 = beta2;
  g_ = make_g_();
  opt_g_ = nets::make_optimizer(g_->parameters(), adam_);
  if (make_d_) {
    d_ = make_d_();
    opt_d_ = nets::make_optimizer(d_->parameters(), adam_);
  }
  split(1);
}

int AdversarialPair::split(int parts) {
  // The copies' own initial weights are dropped: they share the networks' (nets/data_parallel.h).
  parallel_ = std::make_unique<nets::DataParallel>(parts);
  g_copies_ = {g_};
  for (int p = 1; p < parts; ++p) g_copies_.push_back(make_g_());
  parallel_->add_network(g_copies_);
  if (d_) {
    d_copies_ = {d_};
    for (int p = 1; p < parts; ++p) d_copies_.push_back(make_d_());
    parallel_->add_network(d_copies_);
  }
  return parts;
}

std::vector<double> AdversarialPair::train_g(int64_t rows, const nets::DataParallel::ShardFn& shard) {
  const auto values = parallel_->run(rows, shard);
  parallel_->step(*opt_g_, adam_);
  return values;
}

std::vector<double> AdversarialPair::train_d(int64_t rows, const nets::DataParallel::ShardFn& shard) {
  const auto values = parallel_->run(rows, shard);
  parallel_->step(*opt_d_, adam_);
  return values;
}

void AdversarialPair::set_lr(double lr) {
  for (auto* opt : {opt_g_.get(), opt_d_.get()})
    if (opt) nets::set_learning_rate(*opt, lr);
}

void AdversarialPair::to(torch::Device device) {
  g_->to(device);
  nets::optimizer_state_to(*opt_g_, device);
  if (d_) {
    d_->to(device);
    nets::optimizer_state_to(*opt_d_, device);
  }
}

void AdversarialPair::save(CheckpointWriter& w) const {
  w.add_module(prefix_ + ".g", *g_);
  w.add_optimizer(prefix_ + ".opt_g", *opt_g_);
  if (d_) {
    w.add_module(prefix_ + ".d", *d_);
    w.add_optimizer(prefix_ + ".opt_d", *opt_d_);
  }
}

void AdversarialPair::load(CheckpointReader& r) {
  r.load_module(prefix_ + ".g", *g_);
  r.load_optimizer(prefix_ + ".opt_g", *opt_g_);
  if (d_) {
    r.load_module(prefix_ + ".d", *d_);
    r.load_optimizer(prefix_ + ".opt_d", *opt_d_);
  }
}

torch::Tensor bce_against(const torch::Tensor& logits, double target) {
  return torch::nn::functional::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
}

std::vector<double> discriminator_values(const torch::Tensor& loss_d, const torch::Tensor& d_real,
                                         const torch::Tensor& d_fake, double weight) {
  return {loss_d.item<double>() * weight, torch::sigmoid(d_real).mean().item<double>() * weight,
          torch::sigmoid(d_fake).mean().item<double>() * weight};
}

torch::Tensor shard_rows(const torch::Tensor& t, const nets::Shard& shard) {
  return t.narrow(0, shard.begin, shard.size);
}

}  // namespace tp::gen
