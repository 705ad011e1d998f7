#pragma once
// Autoencoder ("ae") and denoising autoencoder ("dae", Vincent et al. 2008): the input is
// corrupted during training (masking: a random `noise` fraction of pixels set to 0; or
// additive Gaussian noise of std `noise`), the target is always the clean image; the loss is
// the Bernoulli cross-entropy of the reconstruction logits (nats per image).
#include <ATen/core/Generator.h>
#include <c10/util/Optional.h>

#include <memory>

#include "generative/model.h"

namespace tp::gen {

// Corrupts x for denoising training: none | mask | gaussian (UsageError otherwise).
// `generator`: the random stream (a data-parallel part's); nullopt: LibTorch's default generator.
torch::Tensor corrupt(const torch::Tensor& x, const std::string& corruption, double noise,
                      const c10::optional<at::Generator>& generator = c10::nullopt);
void check_corruption(const std::string& corruption, double noise);

class AutoencoderModel : public GenerativeModel {
 public:
  AutoencoderModel(std::string algorithm, AeOptions options, DataShape shape);
  ~AutoencoderModel() override;
  std::string algorithm() const override { return algorithm_; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override { return {"loss"}; }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  std::vector<std::string> eval_names() const override { return {"test_reconstruction", "test_mse"}; }
  std::vector<double> evaluate(const Dataset& test) override;
  FixedInputs make_fixed_inputs(int64_t n, uint64_t gen_seed, const Dataset& test) const override;
  // Rows of originals, each followed by a row of their reconstructions.
  torch::Tensor visualize(const FixedInputs& fixed) override;
  // Reconstructions (images in [0, 1]) of x.
  torch::Tensor reconstruct(const torch::Tensor& x);
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;

 private:
  void move_to(torch::Device device) override;
  int make_parts(int parts) override;
  bool trains_distributed() const override { return true; }
  void join_group(ProcessGroup& group) override;
  struct Nets;
  std::string algorithm_;
  AeOptions options_;
  std::unique_ptr<Nets> nets_;
};

// Shared by ae/dae/sae: the first n/2 test images (reconstructions fill the other half).
FixedInputs reconstruction_inputs(int64_t n, const Dataset& test);

}  // namespace tp::gen
