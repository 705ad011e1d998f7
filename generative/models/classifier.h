#pragma once
// The evaluation classifier ("classifier"): the small CNN of nets/classifier.h trained on the
// labelled images with cross-entropy (Adam). Its checkpoint supplies the features of the
// classifier FID and the class probabilities of the classifier Inception Score
// (generative/eval/image_metrics.h).
#include <functional>
#include <memory>

#include "generative/capabilities.h"
#include "generative/model.h"

namespace tp::gen {

// Accuracy of `logits_of` (a batch of images -> logits) over a labelled set, in batches.
double classification_accuracy(const std::function<torch::Tensor(const torch::Tensor&)>& logits_of,
                               const Dataset& data);

class ClassifierModel : public GenerativeModel, public SampleScorer {
 public:
  ClassifierModel(ClassifierOptions options, DataShape shape);
  ~ClassifierModel() override;
  std::string algorithm() const override { return "classifier"; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override { return {"loss"}; }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  std::vector<std::string> eval_names() const override { return {"test_accuracy"}; }
  std::vector<double> evaluate(const Dataset& test) override;
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;
  SampleScorer* sample_scorer() override { return this; }

  // SampleScorer: eval-mode outputs for images in [0, 1], computed in batches without gradients.
  torch::Tensor features(const torch::Tensor& images) override;
  torch::Tensor probabilities(const torch::Tensor& images) override;
  torch::Tensor content_features(const torch::Tensor& images) override;
  void freeze() override;
  double test_accuracy(const Dataset& test);

 private:
  void move_to(torch::Device device) override;
  struct Nets;
  ClassifierOptions options_;
  std::unique_ptr<Nets> nets_;
  bool frozen_ = false;
};

}  // namespace tp::gen
