#pragma once
// What the image-to-image models (pix2pix, SRGAN) share: a generator and an optional
// discriminator (AdversarialPair: optimizers, data-parallel parts, checkpointing), the task's
// input rule, translating in batches with a fixed noise stream, the per-epoch test evaluation
// (L1, PSNR, SSIM) and the pictures of inputs, outputs and truths. A model supplies its
// networks, its training step and its generator's forward pass.
#include <ATen/core/Generator.h>
#include <c10/util/Optional.h>

#include "generative/capabilities.h"
#include "generative/model.h"

#include <functional>
#include <memory>

namespace tp::gen {

class AdversarialPair;  // generative/models/adversarial_pair.h

class TranslationModel : public GenerativeModel, public ImageTranslator {
 public:
  std::vector<std::string> eval_names() const override { return {"test_l1", "test_psnr", "test_ssim"}; }
  // On the first 1,000 test images.
  std::vector<double> evaluate(const Dataset& test) override;
  // The first n/3 of picture_images() (a multiple of 8, at least 8), with their labels; drawn
  // as picture_rows() in groups of 8.
  FixedInputs make_fixed_inputs(int64_t n, uint64_t gen_seed, const Dataset& test) const override;
  torch::Tensor visualize(const FixedInputs& fixed) override;
  ImageTranslator* translator() override { return this; }

  // ImageTranslator
  const std::string& task() const override { return task_; }
  torch::Tensor source(const torch::Tensor& images) const override;
  torch::Tensor translate(const torch::Tensor& inputs) override;

  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;
  ~TranslationModel() override;

 protected:
  TranslationModel(std::string task, DataShape shape);
  // The generator on inputs in [-1, 1] (on device()), outputs in [-1, 1]; noise, if any, from
  // `generator` (nullopt: LibTorch's default).
  virtual torch::Tensor generator_forward(const torch::Tensor& inputs,
                                          const c10::optional<at::Generator>& generator) = 0;
  void move_to(torch::Device device) override;
  // `forward` (a generator on device() inputs in [-1, 1]) on `inputs` in [0, 1], in batches, in
  // eval mode without gradients, with translate()'s fixed noise stream; outputs in [0, 1] on the CPU.
  using GeneratorFn = std::function<torch::Tensor(const torch::Tensor&, const c10::optional<at::Generator>&)>;
  torch::Tensor run_in_batches(const torch::Tensor& inputs, const GeneratorFn& forward);
  AdversarialPair& pair() const { return *pair_; }
  std::unique_ptr<AdversarialPair> pair_;  // set by the model's constructor

 private:
  int make_parts(int parts) override;
  bool trains_distributed() const override { return true; }
  void join_group(ProcessGroup& group) override;
  std::string task_;
};

// Rows of `columns` inputs, then their outputs, then (when defined) their truths, group by
// group: the picture of `generate --from-test` and the per-epoch grids. Inputs of another size
// than the outputs are scaled to it (nearest pixel).
torch::Tensor translation_rows(const torch::Tensor& inputs, const torch::Tensor& outputs, const torch::Tensor& truths,
                               int64_t columns);

}  // namespace tp::gen
