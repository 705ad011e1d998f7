#pragma once
// Variational autoencoder (Kingma & Welling 2014) with a Bernoulli decoder on logits:
// loss = -E_q[log p(x|z)] + beta KL(q(z|x) || N(0, I)) per image (nats), one reparameterized
// sample per image. Evaluation: the test-set ELBO (beta = 1) and the importance-weighted
// bound with k samples (Burda et al. 2016), log p(x) >= log mean_k p(x, z_k) / q(z_k|x),
// which tightens towards log p(x) as k grows; both in nats per image.
#include <memory>

#include "generative/capabilities.h"
#include "generative/model.h"

namespace tp::gen {

class VaeModel : public GenerativeModel, public LikelihoodBound {
 public:
  VaeModel(VaeOptions options, DataShape shape);
  ~VaeModel() override;
  std::string algorithm() const override { return "vae"; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override { return {"loss", "reconstruction", "kl"}; }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  std::vector<std::string> eval_names() const override { return {"test_neg_elbo", "test_reconstruction", "test_kl"}; }
  std::vector<double> evaluate(const Dataset& test) override;
  int64_t latent_dim() const override { return options_.latent; }
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override;
  torch::jit::Module to_torchscript() const override;
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;
  LikelihoodBound* likelihood_bound() override { return this; }

  // LikelihoodBound
  ElboReport elbo(const Dataset& data, uint64_t seed) override;
  double importance_weighted_nll(const Dataset& data, int64_t k, uint64_t seed) override;
  int64_t default_iw_samples() const override { return options_.iw_samples; }
  const VaeOptions& options() const { return options_; }

 private:
  void move_to(torch::Device device) override;
  int make_parts(int parts) override;
  bool trains_distributed() const override { return true; }
  void join_group(ProcessGroup& group) override;
  struct Nets;
  VaeOptions options_;
  std::unique_ptr<Nets> nets_;
};

}  // namespace tp::gen
