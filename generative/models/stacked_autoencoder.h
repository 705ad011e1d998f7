#pragma once
// Stacked denoising autoencoder (Bengio et al. 2007; Vincent et al. 2010), in three phases:
//  1. each level is pre-trained greedily as a denoising autoencoder of the (frozen) level
//     below, on all training images without labels, for `pretrain_epochs` epochs per level;
//  2. a softmax head alone is trained on the frozen pre-trained features of the first `labels`
//     labelled training images for `probe_epochs` (a linear probe): its test accuracy is the
//     "before fine-tuning" figure (test_accuracy_before_finetuning);
//  3. the encoder stack plus that head is fine-tuned end to end on the same labelled images.
// With --pretrain-epochs 0 phases 1 and 2 are skipped: the same classifier is trained from
// random initialization (the baseline the pre-training is compared with).
#include <memory>

#include "generative/model.h"

namespace tp::gen {

class StackedAutoencoderModel : public GenerativeModel {
 public:
  StackedAutoencoderModel(AeOptions options, DataShape shape);
  ~StackedAutoencoderModel() override;
  std::string algorithm() const override { return "sae"; }
  std::string architecture() const override;
  int64_t schedule_epochs(int64_t epochs) const override {
    return pretrain_epochs_total() + probe_epochs_total() + epochs;
  }
  Dataset epoch_data(int64_t epoch, const Dataset& train) const override;
  std::vector<std::string> loss_names() const override {
    return {"layer", "loss_reconstruction", "loss_classification"};
  }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  std::vector<std::string> eval_names() const override { return {"test_accuracy", "test_accuracy_before_finetuning"}; }
  std::vector<double> evaluate(const Dataset& test) override;
  FixedInputs make_fixed_inputs(int64_t n, uint64_t gen_seed, const Dataset& test) const override;
  torch::Tensor visualize(const FixedInputs& fixed) override;
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;

  double test_accuracy(const Dataset& test);

 private:
  void move_to(torch::Device device) override;
  int64_t pretrain_epochs_total() const;
  int64_t probe_epochs_total() const;  // 0 without pre-training
  struct Nets;
  AeOptions options_;
  std::unique_ptr<Nets> nets_;
  int64_t last_epoch_ = -1;            // the epoch of the last train_step (evaluate() follows an epoch)
  double accuracy_before_finetuning_;  // the probe's test accuracy; NaN until the probe has run
};

}  // namespace tp::gen
