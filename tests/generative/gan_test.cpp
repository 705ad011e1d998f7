// The DCGAN's averaged generator (--g-ema) samples with BatchNorm statistics of its own
// weights, not the ones G's running averages describe; --lr-decay-epochs scales both rates
// over the run's last epochs; --raw-generator samples G's trained weights instead of the average.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/checkpoint.h"
#include "core/error.h"
#include "generative/capabilities.h"
#include "generative/model_factory.h"
#include "generative/models/gan.h"
#include "nets/dcgan.h"
#include "tests/generative/bar_images.h"

namespace tp::gen {
namespace {

// A DCGAN of width 8 on 28x28 images whose G keeps a weight average (decay 0.9), at a rate
// that moves G far from its average within a few steps.
ModelConfig small_averaged_dcgan() {
  auto c = ModelConfig::preset("dcgan");
  c.gan.z_dim = 8;
  c.gan.ngf = c.gan.ndf = 8;
  c.gan.lr_g = 1e-2;
  c.gan.g_ema = 0.9;
  c.gan.clusters = 0;  // the plain DCGAN's G (self-conditioning: self_conditioned_gan_test.cpp)
  return c;
}

// That DCGAN after `steps` steps of 16 on 64 bar images, from `seed`, on one thread.
std::unique_ptr<GenerativeModel> trained_small_averaged_dcgan(uint64_t seed, int steps) {
  torch::set_num_threads(1);
  const auto images = test::bar_images(64, 4);
  torch::manual_seed(seed);
  auto model = make_model(small_averaged_dcgan(), DataShape::of(images), torch::kCPU);
  for (int step = 0; step < steps; ++step) {
    const int64_t at = (step * 16) % 64;
    model->train_step(0, images.x.narrow(0, at, 16), images.y.narrow(0, at, 16));
  }
  return model;
}

nets::DCGANGenerator small_generator(const GanOptions& o) {
  return nets::DCGANGenerator(nets::DCGANOptions().z_dim(o.z_dim).channels(1).image_size(28).ngf(o.ngf).ndf(o.ndf));
}

// Mean |difference| between the averaged G read back from a checkpoint and run in eval mode
// and the same network in training mode, i.e. on the batch's own statistics.
// `with_g_statistics`: its BatchNorm running statistics replaced by G's, the copy the weight
// average (soft_update) leaves behind.
double eval_against_batch_statistics(GenerativeModel& model, const GanOptions& o, bool with_g_statistics) {
  torch::manual_seed(9);
  const auto z = torch::randn({1024, o.z_dim});
  const auto sampled = model.generate(z, {});
  CheckpointWriter w{CheckpointHeader{}};
  model.save(w);
  auto r = CheckpointReader::from_image(w.encode(), "in memory");
  auto g = small_generator(o);
  r.load_module("gan.g_ema", *g);
  if (with_g_statistics) {
    auto trained = small_generator(o);
    r.load_module("gan.g", *trained);
    const auto from = trained->named_buffers();
    for (auto& buffer : g->named_buffers()) buffer.value().copy_(from[buffer.key()]);
  }
  torch::NoGradGuard no_grad;
  g->eval();
  const auto on_saved = (g->forward(z, {}) + 1.0) * 0.5;
  if (!with_g_statistics) {
    EXPECT_TRUE(torch::allclose(sampled, on_saved, 1e-5, 1e-6));  // the checkpoint samples as the model does
  }
  g->train();  // (this forward updates the running statistics: after the one above)
  const auto on_batch = (g->forward(z, {}) + 1.0) * 0.5;
  return (on_batch - on_saved).abs().mean().item<double>();
}

TEST(Dcgan, AveragedGeneratorSamplesWithItsOwnBatchNormStatistics) {
  const auto c = small_averaged_dcgan();
  auto model = trained_small_averaged_dcgan(/*seed=*/1, /*steps=*/40);
  // G's statistics do not describe its average. The average's own, recomputed over 2,048
  // latents, agree in eval mode with the 1,024 samples' own statistics up to sampling noise.
  const double stale = eval_against_batch_statistics(*model, c.gan, /*with_g_statistics=*/true);
  const double own = eval_against_batch_statistics(*model, c.gan, /*with_g_statistics=*/false);
  EXPECT_LT(own, 0.005);  // measured 0.0016 (G's statistics: 0.025)
  EXPECT_GT(stale, 5 * own);
}

TEST(Dcgan, AReplicaThatNeverSampledSavesTheAverageAsOneThatDid) {
  // Under data parallelism only rank 0 samples (its grids), and the ranks compare digests of
  // their saved state at the end: the average's statistics must not depend on sampling.
  auto sampled = trained_small_averaged_dcgan(/*seed=*/3, /*steps=*/6);
  auto quiet = trained_small_averaged_dcgan(/*seed=*/3, /*steps=*/6);
  sampled->generate(torch::randn({4, 8}), {});
  auto digest = [](const GenerativeModel& m) { return state_digest([&](CheckpointWriter& w) { m.save(w); }); };
  EXPECT_EQ(digest(*sampled), digest(*quiet));
}

TEST(Dcgan, RawGeneratorSamplesTheTrainedWeightsNotTheirAverage) {
  // eval / generate --raw-generator: generate() must be G's trained weights (read back from the
  // checkpoint's "gan.g" and run in eval mode), where by default it is the average.
  auto model = trained_small_averaged_dcgan(/*seed=*/2, /*steps=*/10);
  CheckpointWriter w{CheckpointHeader{}};
  model->save(w);
  auto r = CheckpointReader::from_image(w.encode(), "in memory");
  auto g = small_generator(small_averaged_dcgan().gan);
  r.load_module("gan.g", *g);
  g->eval();
  torch::manual_seed(9);
  const auto z = torch::randn({32, 8});
  torch::NoGradGuard no_grad;
  const auto trained = (g->forward(z, {}) + 1.0) * 0.5;
  ASSERT_NE(model->weight_average(), nullptr);
  const auto averaged = model->generate(z, {});
  EXPECT_GT((averaged - trained).abs().mean().item<double>(), 1e-3);
  model->weight_average()->sample_from_average(false);
  EXPECT_TRUE(torch::allclose(model->generate(z, {}), trained, 1e-5, 1e-6));
  model->weight_average()->sample_from_average(true);
  EXPECT_TRUE(torch::equal(model->generate(z, {}), averaged));

  auto c = small_averaged_dcgan();
  c.gan.g_ema = 0;  // no average to switch away from: the option is refused
  auto plain = make_model(c, model->shape(), torch::kCPU);
  EXPECT_EQ(plain->weight_average(), nullptr);
  EXPECT_THROW(sample_trained_weights(*plain, "plain.tpck"), UsageError);
}

TEST(Gan, LearningRatesFallLinearlyOverTheRunsLastEpochs) {
  const auto shape = DataShape::of(test::bar_images(8, 4));
  auto o = ModelConfig::preset("dcgan").gan;
  o.lr_decay_epochs = 3;
  GanModel model("dcgan", o, shape);
  model.begin_run(5);  // epochs 0, 1 at the full rate, then 3/4, 2/4, 1/4
  for (auto [epoch, f] : {std::pair{0, 1.0}, {1, 1.0}, {2, 0.75}, {3, 0.5}, {4, 0.25}})
    EXPECT_DOUBLE_EQ(model.learning_rate_factor(epoch), f) << epoch;
  model.begin_run(2);  // fewer epochs than the decay: it spans the run
  EXPECT_DOUBLE_EQ(model.learning_rate_factor(0), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(model.learning_rate_factor(1), 1.0 / 3.0);
  o.lr_decay_epochs = 0;
  GanModel constant("dcgan", o, shape);
  constant.begin_run(5);
  EXPECT_DOUBLE_EQ(constant.learning_rate_factor(4), 1.0);
  o.lr_decay_epochs = -1;
  EXPECT_THROW(GanModel("dcgan", o, shape), UsageError);
}

TEST(Gan, DecayedStepEqualsAStepAtTheScaledRate) {
  // Adam's step is proportional to the rate: G and D at 2x the rate with the decay's factor
  // 1/2 must end bit for bit where the undecayed model at 1x ends.
  torch::set_num_threads(1);
  const auto images = test::bar_images(32, 4);
  auto o = ModelConfig::preset("dcgan").gan;
  o.z_dim = 8;
  o.ngf = o.ndf = 8;
  o.clusters = 0;
  o.g_ema = 0;  // generate() samples G itself
  auto train = [&](double scale, int64_t decay_epochs) {
    auto c = o;
    c.lr_g *= scale;
    c.lr_d *= scale;
    c.lr_decay_epochs = decay_epochs;
    torch::manual_seed(3);
    GanModel model("dcgan", c, DataShape::of(images));
    model.begin_run(1);  // one epoch, decayed over it: factor 1/2
    for (int step = 0; step < 3; ++step) {
      torch::manual_seed(10 + step);
      model.train_step(0, images.x.narrow(0, 8 * step, 8), images.y.narrow(0, 8 * step, 8));
    }
    torch::manual_seed(99);
    return model.generate(torch::randn({4, c.z_dim}), {});
  };
  const auto plain = train(1.0, 0), decayed = train(2.0, 1), undecayed_double = train(2.0, 0);
  EXPECT_TRUE(torch::equal(plain, decayed));
  EXPECT_FALSE(torch::equal(plain, undecayed_double));  // the rate does move the samples
}

}  // namespace
}  // namespace tp::gen
