#include "generative/models/stacked_autoencoder.h"

#include <torch/torch.h>

#include <limits>

#include "core/checkpoint.h"
#include "core/error.h"
#include "generative/sample_grid.h"
#include "generative/models/autoencoder.h"
#include "generative/models/classifier.h"
#include "nets/autoencoder.h"
#include "nets/optimizer.h"

namespace tp::gen {

namespace F = torch::nn::functional;

struct StackedAutoencoderModel::Nets {
  nets::Autoencoder ae{nullptr};
  torch::nn::Linear head{nullptr};
  std::vector<std::unique_ptr<torch::optim::Optimizer>> layer_opts;  // one per level
  std::unique_ptr<torch::optim::Optimizer> probe_opt;                // the head alone, on frozen features
  std::unique_ptr<torch::optim::Optimizer> finetune_opt;             // encoders + head
};

StackedAutoencoderModel::StackedAutoencoderModel(AeOptions o, DataShape shape)
    : GenerativeModel(std::move(shape)),
      options_(std::move(o)),
      nets_(std::make_unique<Nets>()),
      accuracy_before_finetuning_(std::numeric_limits<double>::quiet_NaN()) {
  TP_CHECK_AS(UsageError, shape_.is_image() && shape_.num_classes > 1,
              "the stacked autoencoder needs labelled image data");
  TP_CHECK_AS(UsageError, options_.pretrain_epochs >= 0, "--pretrain-epochs must be >= 0");
  TP_CHECK_AS(UsageError, options_.labels > 0, "--labels must be > 0");
  TP_CHECK_AS(UsageError, options_.probe_epochs >= 0, "--probe-epochs must be >= 0");
  check_corruption(options_.corruption, options_.noise);
  auto sizes = parse_sizes(options_.hidden, "--hidden");
  sizes.insert(sizes.begin(), shape_.flat_size());
  nets_->ae = nets::Autoencoder(nets::AutoencoderOptions(sizes).activation(options_.activation));
  nets_->head = torch::nn::Linear(sizes.back(), shape_.num_classes);
  nets::OptimizerOptions oo;
  oo.name = "adam";
  oo.lr = options_.lr;
  for (int64_t i = 0; i < nets_->ae->levels(); ++i)
    nets_->layer_opts.push_back(nets::make_optimizer(nets_->ae->layer_parameters(i), oo));
  std::vector<torch::Tensor> params;
  for (int64_t i = 0; i < nets_->ae->levels(); ++i) {
    auto p = nets_->ae->layer_parameters(i);
    params.insert(params.end(), p.begin(), p.begin() + 2);  // the encoder's weight and bias
  }
  for (auto& p : nets_->head->parameters()) params.push_back(p);
  oo.lr = options_.finetune_lr;
  nets_->probe_opt = nets::make_optimizer(nets_->head->parameters(), oo);
  nets_->finetune_opt = nets::make_optimizer(params, oo);
}

StackedAutoencoderModel::~StackedAutoencoderModel() = default;

void StackedAutoencoderModel::move_to(torch::Device device) {
  nets_->ae->to(device);
  nets_->head->to(device);
  for (auto& opt : nets_->layer_opts) nets::optimizer_state_to(*opt, device);
  nets::optimizer_state_to(*nets_->probe_opt, device);
  nets::optimizer_state_to(*nets_->finetune_opt, device);
}

std::string StackedAutoencoderModel::architecture() const {
  return "sae:" + nets_->ae->signature() + ":k" + std::to_string(shape_.num_classes);
}

int64_t StackedAutoencoderModel::pretrain_epochs_total() const {
  return options_.pretrain_epochs * nets_->ae->levels();
}

int64_t StackedAutoencoderModel::probe_epochs_total() const {
  return options_.pretrain_epochs > 0 ? options_.probe_epochs : 0;
}

Dataset StackedAutoencoderModel::epoch_data(int64_t epoch, const Dataset& train) const {
  if (epoch < pretrain_epochs_total()) return train;  // unsupervised: every image, labels unused
  TP_CHECK_AS(UsageError, train.y.defined(), "fine-tuning needs labels");
  TP_CHECK_AS(UsageError, options_.labels <= train.size(), "--labels ", options_.labels, " exceeds the ", train.size(),
              " training images");
  Dataset d = train;
  d.x = train.x.narrow(0, 0, options_.labels);
  d.y = train.y.narrow(0, 0, options_.labels);
  return d;
}

std::vector<double> StackedAutoencoderModel::train_step(int64_t epoch, const torch::Tensor& x_in,
                                                        const torch::Tensor& y_in) {
  const auto x = on_device(x_in), y = on_device(y_in);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto& ae = nets_->ae;
  last_epoch_ = epoch;
  if (epoch < pretrain_epochs_total()) {
    const int64_t level = epoch / options_.pretrain_epochs;
    torch::Tensor h;
    {
      torch::NoGradGuard no_grad;
      h = ae->encode(x, level);
    }
    auto logits =
        ae->decode_layer_logits(level, ae->encode_layer(level, corrupt(h, options_.corruption, options_.noise)));
    auto loss = F::binary_cross_entropy_with_logits(
                    logits, h, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum)) /
                x.size(0);
    auto& opt = *nets_->layer_opts[static_cast<size_t>(level)];
    opt.zero_grad();
    loss.backward();
    opt.step();
    return {static_cast<double>(level), loss.item<double>(), nan};
  }
  // Probe epochs train the head alone on frozen features; fine-tuning trains the whole stack.
  const bool probe = epoch < pretrain_epochs_total() + probe_epochs_total();
  torch::Tensor features;
  {
    torch::AutoGradMode grad_through_encoders(!probe);
    features = ae->encode(x);
  }
  auto loss = F::cross_entropy(nets_->head->forward(features), y);
  auto& opt = probe ? *nets_->probe_opt : *nets_->finetune_opt;
  opt.zero_grad();
  loss.backward();
  opt.step();
  return {static_cast<double>(ae->levels()), nan, loss.item<double>()};
}

double StackedAutoencoderModel::test_accuracy(const Dataset& test) {
  torch::NoGradGuard no_grad;
  return classification_accuracy(
      [&](const torch::Tensor& x) { return nets_->head->forward(nets_->ae->encode(on_device(x))).to(torch::kCPU); },
      test);
}

std::vector<double> StackedAutoencoderModel::evaluate(const Dataset& test) {
  const double accuracy = test_accuracy(test);
  // The end of the probe phase: the head has learned on frozen features, the encoders are untouched.
  if (probe_epochs_total() > 0 && last_epoch_ == pretrain_epochs_total() + probe_epochs_total() - 1)
    accuracy_before_finetuning_ = accuracy;
  return {accuracy, accuracy_before_finetuning_};
}

FixedInputs StackedAutoencoderModel::make_fixed_inputs(int64_t n, uint64_t, const Dataset& test) const {
  return reconstruction_inputs(n, test);
}

torch::Tensor StackedAutoencoderModel::visualize(const FixedInputs& fixed) {
  if (!fixed.x.defined()) return {};
  torch::NoGradGuard no_grad;
  auto recon = torch::sigmoid(nets_->ae->reconstruct_logits(on_device(fixed.x))).to(torch::kCPU).view(fixed.x.sizes());
  return interleave_rows({fixed.x, recon}, 8);
}

void StackedAutoencoderModel::save(CheckpointWriter& w) const {
  w.add_module("sae.ae", *nets_->ae);
  w.add_module("sae.head", *nets_->head);
  for (size_t i = 0; i < nets_->layer_opts.size(); ++i)
    w.add_optimizer("sae.opt" + std::to_string(i), *nets_->layer_opts[i]);
  w.add_optimizer("sae.probe_opt", *nets_->probe_opt);
  w.add_optimizer("sae.finetune_opt", *nets_->finetune_opt);
  w.add_tensor("sae.accuracy_before_finetuning", torch::tensor(accuracy_before_finetuning_, torch::kFloat64));
}

void StackedAutoencoderModel::load(CheckpointReader& r) {
  r.load_module("sae.ae", *nets_->ae);
  r.load_module("sae.head", *nets_->head);
  for (size_t i = 0; i < nets_->layer_opts.size(); ++i)
    r.load_optimizer("sae.opt" + std::to_string(i), *nets_->layer_opts[i]);
  r.load_optimizer("sae.probe_opt", *nets_->probe_opt);
  r.load_optimizer("sae.finetune_opt", *nets_->finetune_opt);
  accuracy_before_finetuning_ = r.tensor("sae.accuracy_before_finetuning").item<double>();
}

}  // namespace tp::gen
