#pragma once
// CycleGAN (Zhu et al. 2017, "Unpaired Image-to-Image Translation using Cycle-Consistent
// Adversarial Networks") between two groups of classes of a labelled image set: domain A
// (e.g. sneakers) and domain B (e.g. ankle boots). Domain A's images come from the first half
// of the training set and B's from the second, so no image has a partner in the other domain;
// each epoch pairs them at random (A and B stacked as channels, see epoch_data()).
//   G: A -> B and F: B -> A, ResNet generators (nets/resnet_generator.h);
//   D_A, D_B: PatchGANs with instance normalization, least-squares losses (Mao et al. 2017):
//     D_B minimizes ((D_B(b) - 1)^2 + D_B(h(G(a)))^2) / 2, h a history of generated images
//     (generative/models/image_history.h), and D_A the same for F;
//   G and F together minimize (D_B(G(a)) - 1)^2 + (D_A(F(b)) - 1)^2
//     + cycle_weight (|F(G(a)) - a|_1 + |G(F(b)) - b|_1)
//     + identity_weight cycle_weight (|G(b) - b|_1 + |F(a) - a|_1) (off by default: 0).
// Images are mapped from [0, 1] to [-1, 1]; the L1 terms are reported in [0, 1] pixel units.
// As an ImageTranslator its input is the image itself and translate() is G (A -> B).
// With g_ema > 0 a copy of G and F tracks the exponential moving average of their weights
// (Yazici et al. 2019) and translates; training is the same with or without it.
#include <functional>
#include <memory>

#include "generative/models/image_history.h"
#include "generative/models/translation.h"

namespace tp::gen {

// The cycle and identity terms for generators g_ab (A -> B) and g_ba (B -> A) on real images
// of each domain in [-1, 1]: mean absolute errors of the round trips and, when `identity`, of
// each generator on its own target domain (undefined otherwise). Zero for identity generators.
struct CycleTerms {
  torch::Tensor fake_b, fake_a;          // g_ab(a), g_ba(b)
  torch::Tensor cycle_a, cycle_b;        // |g_ba(g_ab(a)) - a|, |g_ab(g_ba(b)) - b|
  torch::Tensor identity_a, identity_b;  // |g_ba(a) - a|, |g_ab(b) - b|
};
using ImageMap = std::function<torch::Tensor(const torch::Tensor&)>;
CycleTerms cycle_terms(const ImageMap& g_ab, const ImageMap& g_ba, const torch::Tensor& real_a,
                       const torch::Tensor& real_b, bool identity);

// The classes of a domain list such as "7" or "5,7" (UsageError for a malformed list, a
// class outside 0..num_classes-1, or a repeated one).
std::vector<int64_t> parse_domain(const std::string& list, int64_t num_classes, const std::string& option);

class CycleGanModel : public TranslationModel, public UnpairedDomains, public WeightAverage {
 public:
  CycleGanModel(CycleGanOptions options, DataShape shape);
  std::string algorithm() const override { return "cyclegan"; }
  std::string architecture() const override;
  std::vector<std::string> loss_names() const override {
    return {"loss_d_a", "loss_d_b", "gan_ab", "gan_ba", "cycle_l1", "identity_l1"};
  }
  // The epoch's pairs: domain A's training images from the first half of `train`, domain B's
  // from the second, in an order drawn for the epoch; as many pairs as the larger domain has
  // images (the smaller one's images come round again). x is (N, 2C, H, W), A's channels first.
  Dataset epoch_data(int64_t epoch, const Dataset& train) const override;
  std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) override;
  // `epochs`; a UsageError when they run past the rate's decay to zero.
  int64_t schedule_epochs(int64_t epochs) const override;
  // The Adam rate of epoch `epoch` (0-based): lr, then linearly down (Zhu et al.'s schedule).
  double learning_rate(int64_t epoch) const;
  // Cycle L1 (pixels in [0, 1]) of up to 1,000 test images of each domain.
  std::vector<std::string> eval_names() const override { return {"test_cycle_l1_a", "test_cycle_l1_b"}; }
  std::vector<double> evaluate(const Dataset& test) override;

  // ImageTranslator: the images themselves in, G's translations out.
  torch::Tensor source(const torch::Tensor& images) const override { return images; }
  Dataset picture_images(const Dataset& test) const override;
  std::vector<torch::Tensor> picture_rows(const Dataset& images) override;
  std::vector<std::string> picture_row_names() const override { return {"input", "translated", "cycle"}; }
  UnpairedDomains* unpaired() override { return this; }
  // UnpairedDomains
  const std::vector<int64_t>& classes(int side) const override { return side == 0 ? classes_a_ : classes_b_; }
  torch::Tensor translate_from(const torch::Tensor& images, int side) override;
  // WeightAverage: this when trained with g_ema > 0, else nullptr.
  WeightAverage* weight_average() override { return average_ ? this : nullptr; }
  void sample_from_average(bool average) override { sample_from_average_ = average; }

  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;

 private:
  struct Domains {
    std::vector<int64_t> a, b;
  };
  // The domains' classes, checked against the data's classes and each other.
  static Domains parse_domains(const CycleGanOptions& o, const DataShape& shape);
  CycleGanModel(CycleGanOptions options, Domains domains, DataShape shape);
  torch::Tensor generator_forward(const torch::Tensor& inputs, const c10::optional<at::Generator>& generator) override;
  void move_to(torch::Device device) override;
  // The history needs every row of a batch: one process (threads, not ranks).
  bool trains_distributed() const override { return false; }
  // The generators that translate: the average when there is one and it was not switched
  // off, else the trained G and F.
  torch::nn::Module& translating_generators();
  CycleGanOptions options_;
  std::vector<int64_t> classes_a_, classes_b_;
  ImageHistory history_a_, history_b_;          // F's and G's outputs
  std::shared_ptr<torch::nn::Module> average_;  // G's and F's moving average (g_ema > 0)
  bool sample_from_average_ = true;
};

}  // namespace tp::gen
