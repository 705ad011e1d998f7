#include "generative/models/classifier.h"

#include <torch/torch.h>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/classifier.h"
#include "nets/data_parallel.h"
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
  nets::SmallCNNOptions cnn_options;
  nets::SmallCNN cnn{nullptr};
  nets::OptimizerOptions opt_options;
  std::unique_ptr<torch::optim::Optimizer> opt;
  std::vector<nets::SmallCNN> copies;            // copies[p]: part p's network ([0] is cnn)
  std::unique_ptr<nets::DataParallel> parallel;  // one part until split_batches
};

ClassifierModel::ClassifierModel(ClassifierOptions o, DataShape shape)
    : GenerativeModel(std::move(shape)), options_(std::move(o)), nets_(std::make_unique<Nets>()) {
  TP_CHECK_AS(UsageError, shape_.is_image() && shape_.num_classes > 1 && shape_.height == shape_.width,
              "the classifier needs labelled square images");
  nets_->cnn_options = nets::SmallCNNOptions()
                           .channels(shape_.channels)
                           .image_size(shape_.height)
                           .num_classes(shape_.num_classes)
                           .features(options_.features);
  nets_->cnn = nets::SmallCNN(nets_->cnn_options);
  nets_->opt_options.name = "adam";
  nets_->opt_options.lr = options_.lr;
  nets_->opt = nets::make_optimizer(nets_->cnn->parameters(), nets_->opt_options);
  split_batches(1);
}

int ClassifierModel::split_batches(int parts) {
  TP_CHECK(parts >= 1, "parts must be >= 1");
  if (device_ != torch::kCPU) parts = 1;
  nets_->parallel = std::make_unique<nets::DataParallel>(parts);
  // The copies' own initial weights are dropped: they share the network's (nets/data_parallel.h).
  nets_->copies = nets::add_copies(*nets_->parallel, nets_->cnn, [&] { return nets::SmallCNN(nets_->cnn_options); });
  return parts;
}

ClassifierModel::~ClassifierModel() = default;

void ClassifierModel::move_to(torch::Device device) {
  if (device != torch::kCPU) split_batches(1);
  nets_->cnn->to(device);
  nets::optimizer_state_to(*nets_->opt, device);
}

std::string ClassifierModel::architecture() const { return nets_->cnn->signature(); }

std::vector<double> ClassifierModel::train_step(int64_t, const torch::Tensor& x_in, const torch::Tensor& y_in) {
  nets_->cnn->train();
  const auto x = on_device(x_in), y = on_device(y_in);
  std::vector<double> losses(nets_->copies.size(), 0.0);  // per part, weighted
  nets_->parallel->run(x.size(0), [&](int part, const nets::Shard& s) {
    auto logits = nets_->copies[static_cast<size_t>(part)]->forward(x.narrow(0, s.begin, s.size));
    auto loss = torch::nn::functional::cross_entropy(logits, y.narrow(0, s.begin, s.size)) * s.weight;
    loss.backward();
    losses[static_cast<size_t>(part)] = loss.item<double>();
  });
  nets_->parallel->step(*nets_->opt, nets_->opt_options);
  double total = 0;
  for (double v : losses) total += v;
  return {total};
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
  nets_->cnn->train();
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
  nets_->cnn->train();
  return out;
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
