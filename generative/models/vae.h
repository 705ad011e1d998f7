#pragma once
// Variational autoencoder (Kingma & Welling 2014) with a Bernoulli decoder on logits:
// loss = -E_q[log p(x|z)] + beta KL(q(z|x) || N(0, I)) per image (nats), one reparameterized
// sample per image. Evaluation: the test-set ELBO (beta = 1) and the importance-weighted
// bound with k samples (Burda et al. 2016), log p(x) >= log mean_k p(x, z_k) / q(z_k|x),
// which tightens towards log p(x) as k grows; both in nats per image.
#include <memory>

#include "generative/model.h"

namespace tp::gen {

struct ElboReport {
  double negative_elbo = 0, reconstruction = 0, kl = 0;  // nats per image
};

class VaeModel : public GenerativeModel {
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
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;

  // Test ELBO with one posterior sample per image, drawn from `seed`.
  ElboReport elbo(const Dataset& data, uint64_t seed);
  // -log p(x) estimate (nats per image) with k importance samples per image.
  double importance_weighted_nll(const Dataset& data, int64_t k, uint64_t seed);
  const VaeOptions& options() const { return options_; }

 private:
  struct Nets;
  VaeOptions options_;
  std::unique_ptr<Nets> nets_;
};

}  // namespace tp::gen
