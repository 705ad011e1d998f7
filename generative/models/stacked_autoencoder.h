#pragma once
// Stacked denoising autoencoder (Bengio et al. 2007; Vincent et al. 2010): each level is
// pre-trained greedily as a denoising autoencoder of the (frozen) level below, on all
// training images without labels, for `pretrain_epochs` epochs per level; then the encoder
// stack plus a softmax head is fine-tuned end to end on the first `labels` labelled training
// images. With --pretrain-epochs 0 the same classifier is trained from random
// initialization (the baseline the pre-training is compared with).
#include <memory>

#include "generative/model.h"

namespace tp::gen {

class StackedAutoencoderModel : public GenerativeModel {
 public:
  StackedAutoencoderModel(AeOptions options, DataShape shape);
  ~StackedAutoencoderModel() override;
  std::string algorithm() const override { return "sae"; }
  std::string architecture() const override;
  int64_t schedule_epochs(int64_t epochs) const override { return pretrain_epochs_total() + epochs; }
  Dataset epoch_data(int64_t epoch, const Dataset& train) const override;
  std::vector<std::string> loss_names() const override { return {"layer", "loss_reconstruction", "loss_classification"}; }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  std::vector<std::string> eval_names() const override { return {"test_accuracy"}; }
  std::vector<double> evaluate(const Dataset& test) override;
  FixedInputs make_fixed_inputs(int64_t n, uint64_t gen_seed, const Dataset& test) const override;
  torch::Tensor visualize(const FixedInputs& fixed) override;
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;

  double test_accuracy(const Dataset& test);

 private:
  int64_t pretrain_epochs_total() const;
  struct Nets;
  AeOptions options_;
  std::unique_ptr<Nets> nets_;
};

}  // namespace tp::gen
