// `torchplay eval --model`'s evaluation (generative/eval/model_report.h), called directly on
// small untrained models and in-memory data.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "generative/model_factory.h"
#include "generative/capabilities.h"
#include "generative/data/synthetic.h"
#include "generative/eval/model_report.h"
#include "tests/generative/bar_images.h"

namespace tp::gen {
namespace {

using test::bar_images;

// A freshly initialized model of `algorithm`, small enough for a test.
std::unique_ptr<GenerativeModel> small_model(const std::string& algorithm, const DataShape& shape,
                                             torch::Device device = torch::kCPU) {
  torch::manual_seed(1);
  auto c = ModelConfig::preset(algorithm);
  c.gan.arch = "mlp";
  c.gan.z_dim = 4;
  c.gan.g_hidden = c.gan.d_hidden = "32";
  c.gan.pack = 1;
  c.gan.g_ema = 0;
  c.vae.hidden = "32";
  c.vae.latent = 4;
  c.vae.iw_samples = 7;
  c.ae.hidden = "32";
  c.classifier.features = 32;
  return make_model(c, shape, device);
}

// A model built for `device` reports it, takes CPU batches, test sets and latents (moving them
// there itself), and hands back CPU tensors.
void check_model_on(torch::Device device) {
  const auto images = bar_images(40, 3);
  for (const std::string algorithm : {"gan", "vae", "ae", "classifier"}) {
    SCOPED_TRACE(algorithm);
    auto model = small_model(algorithm, DataShape::of(images), device);
    EXPECT_EQ(model->device(), device);
    const auto losses = model->train_step(0, images.x.narrow(0, 0, 16), images.y.narrow(0, 0, 16));
    EXPECT_EQ(losses.size(), model->loss_names().size());
    EXPECT_EQ(model->evaluate(images).size(), model->eval_names().size());
    const FixedInputs fixed = model->make_fixed_inputs(8, 5, images);
    const auto picture = model->visualize(fixed);
    if (picture.defined()) {
      EXPECT_TRUE(picture.is_cpu());
    }
    if (model->latent_dim() > 0) {
      EXPECT_TRUE(model->generate(fixed.z, fixed.labels).is_cpu());
    }
    if (SampleScorer* scorer = model->sample_scorer()) {
      EXPECT_TRUE(scorer->features(images.x).is_cpu());
    }
  }
}

TEST(ModelDevice, CpuModelsTakeAndReturnCpuTensors) { check_model_on(torch::Device(torch::kCPU)); }

TEST(ModelDevice, CudaModelsTakeAndReturnCpuTensors) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA in this LibTorch";
  check_model_on(torch::Device(torch::kCUDA));
}

TEST(ModelReport, ClassifierFidOfImagesAgainstThemselvesIsZeroAndOfNoiseLarge) {
  torch::set_num_threads(1);
  const auto test = bar_images(200, 2);
  auto clf = small_model("classifier", DataShape::of(test));
  SampleScorer* scorer = clf->sample_scorer();
  ASSERT_NE(scorer, nullptr);
  const auto test_features = scorer->features(test.x);
  const SampleScores same = score_samples(*scorer, test.x, test_features);
  const SampleScores other = score_samples(*scorer, bar_images(200, 3).x, test_features);
  const SampleScores noise = score_samples(*scorer, torch::rand({200, 1, 28, 28}), test_features);
  // An untrained classifier's features are small, so the distances are compared with each
  // other: noise is far from the data, other bars are close, the same images coincide.
  ASSERT_GT(noise.fid, 0.0);
  EXPECT_LT(other.fid, 0.01 * noise.fid);
  EXPECT_LT(same.fid, 1e-9 * noise.fid);
  EXPECT_GE(same.inception_score, 1.0 - 1e-9);
  EXPECT_LE(same.inception_score, 10.0);
}

TEST(ModelReport, ClassSharesCountTheClassifiersChoicePerSample) {
  torch::set_num_threads(1);
  const auto test = bar_images(200, 2);
  auto clf = small_model("classifier", DataShape::of(test));
  SampleScorer* scorer = clf->sample_scorer();
  const auto test_features = scorer->features(test.x);
  // One image repeated: every sample is the same class.
  const auto one = test.x.narrow(0, 0, 1).expand({50, -1, -1, -1}).contiguous();
  const SampleScores repeated = score_samples(*scorer, one, test_features);
  ASSERT_EQ(repeated.class_shares.size(), static_cast<size_t>(DataShape::of(test).num_classes));
  const auto top = scorer->probabilities(one.narrow(0, 0, 1)).argmax(1).item<int64_t>();
  for (size_t c = 0; c < repeated.class_shares.size(); ++c)
    EXPECT_DOUBLE_EQ(repeated.class_shares[c], static_cast<int64_t>(c) == top ? 1.0 : 0.0) << c;
  // Two images, 30 and 10 copies: shares 0.75 and 0.25 when the classifier tells them apart.
  const auto two =
      torch::cat({test.x.narrow(0, 0, 1).expand({30, -1, -1, -1}), test.x.narrow(0, 1, 1).expand({10, -1, -1, -1})})
          .contiguous();
  const auto classes = scorer->probabilities(two).argmax(1);
  const SampleScores mixed = score_samples(*scorer, two, test_features);
  double total = 0;
  for (double share : mixed.class_shares) total += share;
  EXPECT_NEAR(total, 1.0, 1e-12);
  const int64_t a = classes[0].item<int64_t>(), b = classes[30].item<int64_t>();
  if (a != b) {
    EXPECT_DOUBLE_EQ(mixed.class_shares[static_cast<size_t>(a)], 0.75);
    EXPECT_DOUBLE_EQ(mixed.class_shares[static_cast<size_t>(b)], 0.25);
  } else {
    EXPECT_DOUBLE_EQ(mixed.class_shares[static_cast<size_t>(a)], 1.0);
  }
}

TEST(ModelReport, ImageGeneratorScoredWithAClassifierBesideItsFloor) {
  torch::set_num_threads(1);
  const auto test = bar_images(60, 2);
  auto gan = small_model("gan", DataShape::of(test));
  auto clf = small_model("classifier", DataShape::of(test));
  EXPECT_EQ(classifier_use(*gan), ClassifierUse::Required);
  ModelReportOptions opt;
  opt.samples = 60;
  EXPECT_THROW(evaluate_model(*gan, test, opt), UsageError);  // no classifier
  opt.classifier = clf.get();
  opt.train = &test;  // the floor's images are then the test images themselves
  const ModelReport r = evaluate_model(*gan, test, opt);
  ASSERT_TRUE(r.classifier.has_value());
  EXPECT_FALSE(r.likelihood || r.modes || r.classifier_skipped);
  EXPECT_TRUE(r.metrics.empty());
  const auto& c = *r.classifier;
  EXPECT_EQ(c.samples, 60);
  ASSERT_GT(c.generated.fid, 0.0);                 // an untrained generator
  EXPECT_LT(c.train.fid, 1e-9 * c.generated.fid);  // the test images against themselves
  EXPECT_NEAR(c.train.inception_score, c.test_inception_score, 1e-9);
  // The same seed gives the same samples, another seed others.
  EXPECT_DOUBLE_EQ(evaluate_model(*gan, test, opt).classifier->generated.fid, c.generated.fid);
  opt.seed = 2;
  EXPECT_NE(evaluate_model(*gan, test, opt).classifier->generated.fid, c.generated.fid);

  // A classifier that is no classifier, or one for other images, is refused.
  auto vae = small_model("vae", DataShape::of(test));
  opt.classifier = vae.get();
  EXPECT_THROW(evaluate_model(*gan, test, opt), UsageError);
  DataShape small = DataShape::of(test);
  small.height = small.width = 16;
  auto clf16 = small_model("classifier", small);
  opt.classifier = clf16.get();
  EXPECT_THROW(evaluate_model(*gan, test, opt), UsageError);
}

TEST(ModelReport, VaeReportsItsLikelihoodBoundsAndNeedsNoClassifier) {
  torch::set_num_threads(1);
  const auto test = bar_images(40, 2);
  auto vae = small_model("vae", DataShape::of(test));
  ASSERT_NE(vae->likelihood_bound(), nullptr);
  EXPECT_EQ(classifier_use(*vae), ClassifierUse::Optional);
  ModelReportOptions opt;
  ModelReport r = evaluate_model(*vae, test, opt);
  EXPECT_TRUE(r.classifier_skipped);
  EXPECT_FALSE(r.classifier.has_value());
  ASSERT_TRUE(r.likelihood.has_value());
  EXPECT_EQ(r.likelihood->iw_samples, 7);  // the model's own k
  const auto& e = r.likelihood->elbo;
  EXPECT_NEAR(e.negative_elbo, e.reconstruction + e.kl, 1e-3 * std::abs(e.negative_elbo));
  EXPECT_GT(r.likelihood->iw_nll, 0.0);
  EXPECT_LT(r.likelihood->iw_nll, e.negative_elbo);  // the bound with k = 7 is tighter than the ELBO
  opt.iw_samples = 2;
  EXPECT_EQ(evaluate_model(*vae, test, opt).likelihood->iw_samples, 2);
}

TEST(ModelReport, TwoDimensionalGeneratorsReportModesAndAutoencodersTheirOwnMetrics) {
  torch::set_num_threads(1);
  Dataset ring;
  ring.name = "ring8";
  ring.x = sample_synthetic(*synthetic_kind("ring8"), 500, 1);
  auto gan = small_model("gan", DataShape::of(ring));
  EXPECT_EQ(classifier_use(*gan), ClassifierUse::None);
  const ModelReport g = evaluate_model(*gan, ring, {});
  ASSERT_TRUE(g.modes.has_value());
  EXPECT_EQ(g.modes->total, 8);
  EXPECT_GE(g.modes->high_quality_share, 0.0);
  EXPECT_LE(g.modes->high_quality_share, 1.0);
  EXPECT_FALSE(g.classifier || g.likelihood);

  const auto test = bar_images(40, 2);
  auto ae = small_model("ae", DataShape::of(test));
  EXPECT_EQ(classifier_use(*ae), ClassifierUse::None);
  const ModelReport a = evaluate_model(*ae, test, {});
  ASSERT_EQ(a.metrics.size(), ae->eval_names().size());
  ASSERT_FALSE(a.metrics.empty());
  EXPECT_EQ(a.metrics[0].first, ae->eval_names()[0]);
  EXPECT_GT(a.metrics[0].second, 0.0);  // an untrained autoencoder reconstructs badly
  EXPECT_FALSE(a.modes || a.classifier || a.likelihood);
}

}  // namespace
}  // namespace tp::gen
