#include "generative/capabilities.h"

#include <torch/torch.h>

#include "core/error.h"
#include "generative/model.h"

namespace tp::gen {

SampleScorer& require_scorer(GenerativeModel& classifier, const DataShape& images, const std::string& what) {
  SampleScorer* scorer = classifier.sample_scorer();
  TP_CHECK_AS(UsageError, scorer, what, " is a '", classifier.algorithm(), "' model, not a classifier");
  const auto& cs = classifier.shape();
  TP_CHECK_AS(UsageError, cs.channels == images.channels && cs.height == images.height && cs.width == images.width,
              what, " was trained on images of another shape");
  return *scorer;
}

void sample_trained_weights(GenerativeModel& model, const std::string& path) {
  WeightAverage* average = model.weight_average();
  TP_CHECK_AS(UsageError, average, "--raw-generator: ", path,
              " keeps no weight average of its generator (train with --g-ema)");
  average->sample_from_average(false);
}

torch::Tensor in_classes(const torch::Tensor& labels, const std::vector<int64_t>& classes) {
  auto in = torch::zeros_like(labels, torch::kBool);
  for (int64_t c : classes) in |= labels.eq(c);
  return in;
}

std::string class_list(const std::vector<int64_t>& classes) {
  std::string s;
  for (int64_t c : classes) s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

Dataset images_of_classes(const Dataset& data, const std::vector<int64_t>& classes) {
  TP_CHECK_AS(UsageError, data.y.defined(), data.name, " has no labels to choose classes by");
  const auto rows = in_classes(data.y, classes).nonzero().squeeze(1);
  Dataset out = data;
  out.x = data.x.index_select(0, rows);
  out.y = data.y.index_select(0, rows);
  return out;
}

std::vector<torch::Tensor> ImageTranslator::picture_rows(const Dataset& images) {
  const auto inputs = source(images.x);
  return {inputs, translate(inputs), images.x};
}

}  // namespace tp::gen
