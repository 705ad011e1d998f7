#pragma once
// pix2pix (Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial
// Networks"): a U-Net G maps the input x a task makes from an image y (generative/image_tasks.h)
// back to y; a PatchGAN D judges (x, y) against (x, G(x)) patch by patch.
//   D minimizes (BCE(D(x, y), 1) + BCE(D(x, G(x)), 0)) / 2 (the paper halves D's objective);
//   G minimizes gan_weight * BCE(D(x, G(x)), 1) + l1_weight * |y - G(x)|_1.
// There is no latent: the noise is G's dropout, applied at test time too. gan_weight 0 is the
// paper's L1-only ablation (no D is built). Images are mapped from [0, 1] to [-1, 1] for both
// networks; losses are reported in those units except `l1`, the mean absolute error in [0, 1].
#include <memory>

#include "generative/capabilities.h"
#include "generative/model.h"

namespace tp::gen {

class Pix2PixModel : public GenerativeModel, public ImageTranslator {
 public:
  Pix2PixModel(Pix2PixOptions options, DataShape shape);
  ~Pix2PixModel() override;
  std::string algorithm() const override { return "pix2pix"; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override { return {"loss_d", "loss_g_gan", "l1", "d_real", "d_fake"}; }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  std::vector<std::string> eval_names() const override { return {"test_l1", "test_psnr", "test_ssim"}; }
  // On the first 1,000 test images.
  std::vector<double> evaluate(const Dataset& test) override;
  // The first n/3 test images (a multiple of 8, at least 8), as rows of inputs, outputs and truths.
  FixedInputs make_fixed_inputs(int64_t n, uint64_t gen_seed, const Dataset& test) const override;
  torch::Tensor visualize(const FixedInputs& fixed) override;
  ImageTranslator* translator() override { return this; }
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;

  // ImageTranslator
  const std::string& task() const override { return options_.task; }
  torch::Tensor source(const torch::Tensor& images) const override;
  torch::Tensor translate(const torch::Tensor& inputs) override;

 private:
  void move_to(torch::Device device) override;
  int make_parts(int parts) override;
  bool trains_distributed() const override { return true; }
  void join_group(ProcessGroup& group) override;
  bool adversarial() const { return options_.gan_weight > 0; }
  struct Nets;
  Pix2PixOptions options_;
  std::unique_ptr<Nets> nets_;
};

// Rows of `columns` inputs, then their outputs, then (when defined) their truths, group by
// group: the picture of `generate --from-test` and the per-epoch grids. Inputs of another size
// than the outputs are scaled to it (nearest pixel).
torch::Tensor translation_rows(const torch::Tensor& inputs, const torch::Tensor& outputs, const torch::Tensor& truths,
                               int64_t columns);

}  // namespace tp::gen
