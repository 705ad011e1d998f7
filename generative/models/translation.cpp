#include "generative/models/translation.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "generative/eval/image_metrics.h"
#include "generative/image_tasks.h"
#include "generative/models/adversarial_pair.h"
#include "generative/sample_grid.h"

namespace tp::gen {

namespace F = torch::nn::functional;

namespace {
constexpr uint64_t kTestNoiseSeed = 0x9e3779b9;  // translate()'s noise stream
constexpr int64_t kBatch = 1000;
}  // namespace

TranslationModel::TranslationModel(std::string task, DataShape shape)
    : GenerativeModel(std::move(shape)), task_(std::move(task)) {
  TP_CHECK_AS(UsageError, shape_.is_image() && shape_.height == shape_.width,
              "image-to-image models need square images, not 2-D points");
}

TranslationModel::~TranslationModel() = default;

int TranslationModel::make_parts(int parts) { return pair_->split(parts); }
void TranslationModel::join_group(ProcessGroup& group) { pair_->join(group); }
void TranslationModel::move_to(torch::Device device) { pair_->to(device); }
void TranslationModel::save(CheckpointWriter& w) const { pair_->save(w); }
void TranslationModel::load(CheckpointReader& r) { pair_->load(r); }

torch::Tensor TranslationModel::source(const torch::Tensor& images) const { return translation_source(task_, images); }

torch::Tensor TranslationModel::translate(const torch::Tensor& inputs) {
  // A vector, not sizes(): an IntArrayRef would point into the temporary tensor.
  const auto expected = source(torch::zeros({1, shape_.channels, shape_.height, shape_.width})).sizes().vec();
  TP_CHECK_AS(UsageError,
              inputs.dim() == 4 && inputs.size(1) == expected[1] && inputs.size(2) == expected[2] &&
                  inputs.size(3) == expected[3],
              "'", task_, "' inputs must be ", expected[1], "x", expected[2], "x", expected[3], " images");
  return run_in_batches(inputs, [this](const torch::Tensor& in, const c10::optional<at::Generator>& noise) {
    return generator_forward(in, noise);
  });
}

torch::Tensor TranslationModel::run_in_batches(const torch::Tensor& inputs, const GeneratorFn& forward) {
  torch::NoGradGuard no_grad;
  auto& g = pair_->g_module();
  g.eval();
  auto stream = at::detail::createCPUGenerator(kTestNoiseSeed);
  std::vector<torch::Tensor> out;
  for (int64_t s = 0; s < inputs.size(0); s += kBatch) {
    const auto in = on_device(inputs.narrow(0, s, std::min(kBatch, inputs.size(0) - s))) * 2.0 - 1.0;
    // Noise from the CPU stream, so an input gives one output on every device.
    const auto noise = device_.is_cpu() ? c10::optional<at::Generator>(stream) : c10::nullopt;
    out.push_back(((forward(in, noise) + 1.0) * 0.5).to(torch::kCPU));
  }
  g.train();
  return out.empty() ? inputs.clone() : torch::cat(out, 0);
}

std::vector<double> TranslationModel::evaluate(const Dataset& test) {
  const auto truth = test.x.narrow(0, 0, std::min(kBatch, test.size()));
  const auto out = translate(source(truth));
  return {(out - truth).abs().mean().item<double>(), psnr(out, truth).mean().item<double>(),
          ssim(out, truth).mean().item<double>()};
}

FixedInputs TranslationModel::make_fixed_inputs(int64_t n, uint64_t, const Dataset& test) const {
  FixedInputs f;
  const auto pictured = picture_images(test);
  const int64_t m = std::min(std::max<int64_t>(8, n / 3 / 8 * 8), pictured.size());
  f.x = pictured.x.narrow(0, 0, m).clone();
  if (pictured.y.defined()) f.labels = pictured.y.narrow(0, 0, m).clone();
  return f;
}

torch::Tensor TranslationModel::visualize(const FixedInputs& fixed) {
  if (!fixed.x.defined()) return {};
  Dataset images;
  images.x = fixed.x;
  images.y = fixed.labels;
  const auto rows = picture_rows(images);
  return translation_rows(rows[0], rows[1], rows[2], 8);
}

torch::Tensor translation_rows(const torch::Tensor& inputs, const torch::Tensor& outputs, const torch::Tensor& truths,
                               int64_t columns) {
  auto shown = inputs;
  if (inputs.size(2) != outputs.size(2) || inputs.size(3) != outputs.size(3))
    shown = F::interpolate(
        inputs,
        F::InterpolateFuncOptions().size(std::vector<int64_t>{outputs.size(2), outputs.size(3)}).mode(torch::kNearest));
  std::vector<torch::Tensor> sets = {shown, outputs};
  if (truths.defined()) sets.push_back(truths);
  return interleave_rows(sets, columns);
}

}  // namespace tp::gen
