#pragma once
// SRGAN (Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution Using a Generative
// Adversarial Network") for 4x super-resolution (task sr4: 7x7 -> 28x28). An SRResNet G
// upscales the area-averaged image; the paper's D tells G(x) from real images.
//   D minimizes BCE(D(y), 1) + BCE(D(G(x)), 0);
//   G minimizes pixel_weight MSE(G(x), y) + content_weight MSE(phi(G(x)), phi(y))
//     + gan_weight BCE(D(G(x)), 1),
// phi being the feature maps of a trained classifier (SampleScorer::content_features), which
// stand in for VGG's. The first warmup_epochs train G on the pixel MSE alone. Images are
// mapped to [-1, 1] for G and D, to [0, 1] for phi. SRResNet-MSE is the same model with
// weights 1, 0, 0 (no D, no content network).
#include <memory>

#include "generative/model_io.h"
#include "generative/models/translation.h"

namespace tp::gen {

class SrganModel : public TranslationModel {
 public:
  SrganModel(SrganOptions options, DataShape shape);
  std::string algorithm() const override { return "srgan"; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override {
    return {"loss_d", "loss_g_gan", "content", "mse", "d_real", "d_fake"};
  }
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;

 private:
  torch::Tensor generator_forward(const torch::Tensor& inputs, const c10::optional<at::Generator>& generator) override;
  void move_to(torch::Device device) override;
  // The content network, loaded from options_.content_net on first use (training only).
  SampleScorer& content_net();
  SrganOptions options_;
  LoadedModel content_;
};

}  // namespace tp::gen
