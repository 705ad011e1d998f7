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

#include "generative/models/translation.h"

namespace tp::gen {

class Pix2PixModel : public TranslationModel {
 public:
  Pix2PixModel(Pix2PixOptions options, DataShape shape);
  std::string algorithm() const override { return "pix2pix"; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override { return {"loss_d", "loss_g_gan", "l1", "d_real", "d_fake"}; }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;

 private:
  torch::Tensor generator_forward(const torch::Tensor& inputs, const c10::optional<at::Generator>& generator) override;
  Pix2PixOptions options_;
};

}  // namespace tp::gen
