#pragma once
// Adversarial models: GAN (MLP networks, 2-D data or flat images), DCGAN, conditional GAN
// and WGAN-GP, one class with the loss and the networks chosen by GanOptions.
//   ns loss (Goodfellow et al. 2014, non-saturating form): D minimizes
//     BCE(D(x), 1 - s) + BCE(D(G(z)), 0) on logits (s: one-sided label smoothing);
//     G minimizes BCE(D(G(z)), 1) = softplus(-D(G(z))).
//   wgan-gp (Gulrajani et al. 2017): the critic minimizes D(G(z)) - D(x) + lambda (|grad D(x^)| - 1)^2
//     at random interpolates x^; G minimizes -D(G(z)).
// PacGAN packing (Lin et al. 2018, pack = m > 1, the ns loss): D sees m samples, all real or
// all fake, concatenated into one input (the DCGAN D: as channels), which penalizes a G that drops modes;
// a batch is trimmed to a multiple of m.
// D takes a step on every batch and G one every `d_steps` batches. With g_ema > 0 a copy of G
// tracks the exponential moving average of its weights (Yazici et al. 2019, "The unusual
// effectiveness of averaging in GAN training") and generate() samples from that copy, with
// BatchNorm statistics of its own. With clusters = K > 0 (self-conditioning, after Liu et al.
// 2020, "Diverse Image Generation via Self-Conditioned GANs", with the clusters taken once
// from k-means on the training images' pixels): G and D are conditioned like a cGAN's on a
// real image's nearest cluster and on a fake's drawn cluster, which G takes from its latent:
// the cluster whose share of the data holds Phi(z_0) (Phi: the normal CDF), so sampled clusters
// keep the data's proportions and a sample is a function of z alone. No label is read.
// Images are mapped from
// [0, 1] to G's tanh range [-1, 1] on the way in and back on the way out.
#include <ATen/core/Generator.h>
#include <c10/util/Optional.h>

#include <memory>

#include "generative/capabilities.h"
#include "generative/model.h"

namespace tp::gen {

class GanModel : public GenerativeModel, public WeightAverage {
 public:
  GanModel(std::string algorithm, GanOptions options, DataShape shape);
  ~GanModel() override;
  std::string algorithm() const override { return algorithm_; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override { return {"loss_d", "loss_g", "d_real", "d_fake"}; }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  std::vector<std::string> eval_names() const override;
  std::vector<double> evaluate(const Dataset& test) override;
  int64_t latent_dim() const override { return options_.z_dim; }
  int64_t num_classes() const override { return options_.conditional ? shape_.num_classes : 0; }
  void prepare(const Dataset& train) override;
  void begin_run(int64_t epochs) override { run_epochs_ = epochs; }
  // The factor on --lr-g and --lr-d in epoch `epoch` (0-based) of the run begun last: 1, or
  // with --lr-decay-epochs N falling linearly over the run's last N epochs.
  double learning_rate_factor(int64_t epoch) const;
  // Self-conditioning (clusters > 0, after prepare() or load()): the nearest cluster of each
  // data row (images in [0, 1]), and the cluster G draws for each latent (see above); both on
  // the model's device.
  torch::Tensor cluster_of_data(const torch::Tensor& x) const;
  torch::Tensor cluster_of_latent(const torch::Tensor& z) const;
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override;
  torch::jit::Module to_torchscript() const override;
  WeightAverage* weight_average() override;  // this when trained with g_ema > 0, else nullptr
  void sample_from_average(bool average) override { sample_from_average_ = average; }
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;

 private:
  void move_to(torch::Device device) override;
  int make_parts(int parts) override;
  bool trains_distributed() const override { return true; }
  void join_group(ProcessGroup& group) override;
  struct Nets;
  // G and D on model-range tensors (images in [-1, 1], (N, C, H, W); points (N, 2)).
  // `averaged`: run the moving-average copy of G (g_ema > 0) instead of G. `part`: run part
  // `part`'s copy of the network (split_batches; 0 is the network itself).
  torch::Tensor g_forward(const torch::Tensor& z, const torch::Tensor& labels, bool averaged = false, int part = 0);
  torch::Tensor d_forward(const torch::Tensor& x, const torch::Tensor& labels, int part = 0);
  // WGAN-GP's penalty on part `part`'s shard, its interpolation weights drawn from `generator`.
  torch::Tensor gradient_penalty(const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& labels,
                                 int part, const c10::optional<at::Generator>& generator);
  // The averaged G's BatchNorm statistics, recomputed for its own weights when they moved
  // since the last time (see gan.cpp). Const: sampling and export call it; the networks are
  // behind nets_.
  void refresh_average_statistics() const;
  // Whether generate() and the export run the averaged G: there is one, and it was not
  // switched off (sample_from_average(false)).
  bool samples_average() const;
  // The classes G and D are conditioned on: the dataset's (cGAN), the clusters, or none.
  int64_t net_classes() const { return options_.conditional ? shape_.num_classes : options_.clusters; }

  std::string algorithm_;
  GanOptions options_;
  std::unique_ptr<Nets> nets_;
  int64_t d_updates_ = 0;
  int64_t run_epochs_ = 0;
  torch::Tensor centroids_;    // (clusters, flat data size), on device_
  torch::Tensor cluster_cdf_;  // (clusters): cumulative shares of the training data, on device_
  mutable bool average_statistics_stale_ = true;
  bool sample_from_average_ = true;
};

}  // namespace tp::gen
