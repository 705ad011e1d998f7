#include "generative/models/classifier.h"

#include <torch/torch.h>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/classifier.h"
#include "nets/optimizer.h"

namespace tp::gen {

double classification_accuracy(const std::function<torch::Tensor(const torch::Tensor&)>& logits_of,
                               const Dataset& data) {
  TP_CHECK(data.y.defined() && data.size() > 0, "accuracy needs a labelled dataset");
  torch::NoGradGuard no_grad;
  int64_t correct = 0;
  for (int64_t s = 0; s < data.size(); s += 1000) {
    const int64_t m = std::min<int64_t>(1000, data.size() - s);
    correct += logits_of(data.x.narrow(0, s, m)).argmax(1).eq(data.y.narrow(0, s, m)).sum().item<int64_t>();
  }
  return static_cast<double>(correct) / static_cast<double>(data.size());
}

struct ClassifierModel::Nets {
  nets::SmallCNN cnn{nullptr};
  std::unique_ptr<torch::optim::Optimizer> opt;
};

ClassifierModel::ClassifierModel(ClassifierOptions o, DataShape shape)
    : GenerativeModel(std::move(shape)), options_(std::move(o)), nets_(std::make_unique<Nets>()) {
  TP_CHECK_AS(UsageError, shape_.is_image() && shape_.num_classes > 1 && shape_.height == shape_.width,
              "the classifier needs labelled square images");
  nets_->cnn = nets::SmallCNN(nets::SmallCNNOptions()
                                  .channels(shape_.channels)
                                  .image_size(shape_.height)
                                  .num_classes(shape_.num_classes)
                                  .features(options_.features));
  nets::OptimizerOptions oo;
  oo.name = "adam";
  oo.lr = options_.lr;
  nets_->opt = nets::make_optimizer(nets_->cnn->parameters(), oo);
}

ClassifierModel::~ClassifierModel() = default;

void ClassifierModel::move_to(torch::Device device) {
  nets_->cnn->to(device);
  nets::optimizer_state_to(*nets_->opt, device);
}

std::string ClassifierModel::architecture() const { return nets_->cnn->signature(); }

std::vector<double> ClassifierModel::train_step(int64_t, const torch::Tensor& x, const torch::Tensor& y) {
  nets_->cnn->train();
  auto loss = torch::nn::functional::cross_entropy(nets_->cnn->forward(on_device(x)), on_device(y));
  nets_->opt->zero_grad();
  loss.backward();
  nets_->opt->step();
  return {loss.item<double>()};
}

double ClassifierModel::test_accuracy(const Dataset& test) {
  nets_->cnn->eval();
  const double acc = classification_accuracy(
      [&](const torch::Tensor& x) { return nets_->cnn->forward(on_device(x)).to(torch::kCPU); }, test);
  nets_->cnn->train();
  return acc;
}

std::vector<double> ClassifierModel::evaluate(const Dataset& test) { return {test_accuracy(test)}; }

namespace {
torch::Tensor batched(const torch::Tensor& images, const std::function<torch::Tensor(const torch::Tensor&)>& f) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t s = 0; s < images.size(0); s += 1000)
    parts.push_back(f(images.narrow(0, s, std::min<int64_t>(1000, images.size(0) - s))));
  return torch::cat(parts, 0);
}
}  // namespace

torch::Tensor ClassifierModel::features(const torch::Tensor& images) {
  TP_CHECK(images.dim() == 4 && images.size(1) == shape_.channels && images.size(2) == shape_.height &&
               images.size(3) == shape_.width,
           "the classifier expects images of shape (N, ", shape_.channels, ", ", shape_.height, ", ", shape_.width,
           ")");
  nets_->cnn->eval();
  auto out =
      batched(images, [&](const torch::Tensor& x) { return nets_->cnn->features(on_device(x)).to(torch::kCPU); });
  if (!frozen_) nets_->cnn->train();
  return out;
}

torch::Tensor ClassifierModel::probabilities(const torch::Tensor& images) {
  TP_CHECK(images.dim() == 4 && images.size(1) == shape_.channels && images.size(2) == shape_.height &&
               images.size(3) == shape_.width,
           "the classifier expects images of shape (N, ", shape_.channels, ", ", shape_.height, ", ", shape_.width,
           ")");
  nets_->cnn->eval();
  auto out = batched(images, [&](const torch::Tensor& x) {
    return torch::softmax(nets_->cnn->forward(on_device(x)), 1).to(torch::kCPU);
  });
  if (!frozen_) nets_->cnn->train();
  return out;
}

torch::Tensor ClassifierModel::content_features(const torch::Tensor& images) {
  TP_CHECK(frozen_, "freeze() the classifier before computing content features");
  return nets_->cnn->feature_maps(images);
}

void ClassifierModel::freeze() {
  nets_->cnn->eval();
  for (auto& p : nets_->cnn->parameters()) p.requires_grad_(false);
  frozen_ = true;
}

void ClassifierModel::save(CheckpointWriter& w) const {
  w.add_module("classifier", *nets_->cnn);
  w.add_optimizer("classifier.opt", *nets_->opt);
}

void ClassifierModel::load(CheckpointReader& r) {
  r.load_module("classifier", *nets_->cnn);
  r.load_optimizer("classifier.opt", *nets_->opt);
}

}  // namespace tp::gen
