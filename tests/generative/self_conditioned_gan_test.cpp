// The self-conditioned GAN (--clusters): clusters from the data, drawn from the latent in the
// data's proportions, carried by checkpoints and TorchScript, and learned by G.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/checkpoint.h"
#include "core/error.h"
#include "generative/data/kmeans.h"
#include "generative/model_factory.h"
#include "generative/models/gan.h"
#include "tests/generative/bar_images.h"

namespace tp::gen {
namespace {

ModelConfig small_self_conditioned(int64_t clusters) {
  auto c = ModelConfig::preset("dcgan");
  c.gan.z_dim = 8;
  c.gan.ngf = c.gan.ndf = 8;
  c.gan.clusters = clusters;
  return c;
}

GanModel& as_gan(GenerativeModel& m) { return dynamic_cast<GanModel&>(m); }

TEST(SelfConditionedGan, ClustersAreTheBarsAndLatentsDrawThemInTheDataProportions) {
  torch::set_num_threads(1);
  // 10 bar positions in unequal numbers: 20 of class 0 .. 110 of class 9.
  const auto bars = test::bar_images(1000, 2);
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < 1000; ++i)
    if (i / 10 < 20 + 10 * (i % 10)) keep.push_back(i);
  Dataset data = bars;
  const auto rows = torch::tensor(keep, torch::kInt64);
  data.x = bars.x.index_select(0, rows);
  data.y = bars.y.index_select(0, rows);
  torch::manual_seed(1);
  auto model = make_model(small_self_conditioned(10), DataShape::of(data), torch::kCPU);
  model->prepare(data);
  auto& gan = as_gan(*model);
  EXPECT_EQ(model->num_classes(), 0);  // to its users an unconditional model
  // k-means finds the 10 bars: each class lies in one cluster of its own.
  const auto clusters = gan.cluster_of_data(data.x);
  std::vector<int64_t> cluster_of_class(10, -1);
  for (int64_t i = 0; i < data.size(); ++i) {
    const int64_t cls = data.y[i].item<int64_t>(), c = clusters[i].item<int64_t>();
    if (cluster_of_class[cls] < 0) cluster_of_class[cls] = c;
    ASSERT_EQ(c, cluster_of_class[cls]) << "class " << cls << " split over two clusters";
  }
  EXPECT_EQ(std::get<0>(torch::_unique(torch::tensor(cluster_of_class))).numel(), 10);
  // Latents draw each cluster with its share of the data (100,000 draws: standard error < 0.001).
  const auto data_share = torch::bincount(clusters, {}, 10).to(torch::kFloat64) / data.size();
  const auto drawn = gan.cluster_of_latent(torch::randn({100000, 8}));
  const auto drawn_share = torch::bincount(drawn, {}, 10).to(torch::kFloat64) / 100000.0;
  EXPECT_LT((drawn_share - data_share).abs().max().item<double>(), 0.005) << drawn_share << data_share;
}

TEST(SelfConditionedGan, CheckpointAndTorchScriptSampleAsTheModelDoes) {
  torch::set_num_threads(1);
  const auto images = test::bar_images(64, 4);
  const auto config = small_self_conditioned(4);
  torch::manual_seed(1);
  auto model = make_model(config, DataShape::of(images), torch::kCPU);
  model->prepare(images);
  for (int step = 0; step < 4; ++step) model->train_step(0, images.x.narrow(0, 16 * step, 16), images.y);
  CheckpointWriter w{CheckpointHeader{}};
  model->save(w);
  auto r = CheckpointReader::from_image(w.encode(), "in memory");
  auto loaded = make_model(config, DataShape::of(images), torch::kCPU);  // no prepare(): the clusters come from r
  loaded->load(r);
  const auto z = torch::randn({32, 8});
  const auto samples = model->generate(z, {});
  EXPECT_TRUE(torch::equal(loaded->generate(z, {}), samples));
  auto script = model->to_torchscript();
  const auto scripted = script.forward({z}).toTensor();
  EXPECT_TRUE(torch::allclose(scripted, samples, 1e-5, 1e-5)) << (scripted - samples).abs().max();
  // A checkpoint with another cluster count is refused with a one-line error.
  auto other = make_model(small_self_conditioned(5), DataShape::of(images), torch::kCPU);
  auto r2 = CheckpointReader::from_image(w.encode(), "in memory");
  EXPECT_THROW(other->load(r2), CheckpointError);
}

TEST(SelfConditionedGan, GeneratorLearnsToDrawTheClusterItWasGiven) {
  torch::set_num_threads(1);
  const auto images = test::bar_images(320, 6);
  auto config = small_self_conditioned(10);
  config.gan.ngf = config.gan.ndf = 16;
  config.gan.g_ema = 0;  // G itself: 120 steps are too few for the preset's ~2,000-step average
  torch::manual_seed(2);
  auto model = make_model(config, DataShape::of(images), torch::kCPU);
  model->prepare(images);
  auto& gan = as_gan(*model);
  const auto z = torch::randn({500, 8});
  auto agreement = [&] {
    const auto drawn = gan.cluster_of_latent(z);
    const auto made = gan.cluster_of_data(model->generate(z, {}));
    return (drawn == made).to(torch::kFloat64).mean().item<double>();
  };
  const double before = agreement();
  for (int step = 0; step < 120; ++step) {
    const int64_t at = (step * 32) % 320;
    model->train_step(0, images.x.narrow(0, at, 32), images.y.narrow(0, at, 32));
  }
  const double after = agreement();
  EXPECT_LT(before, 0.3);
  EXPECT_GT(after, 0.9) << "before " << before;  // measured: 0.09 before, 0.98 after 120 steps
}

TEST(SelfConditionedGan, BadCombinationsAreUsageErrors) {
  const auto images = test::bar_images(16, 1);
  auto c = small_self_conditioned(4);
  c.gan.conditional = true;
  EXPECT_THROW(make_model(c, DataShape::of(images), torch::kCPU), UsageError);
  c = small_self_conditioned(4);
  c.gan.loss = "wgan-gp";
  EXPECT_THROW(make_model(c, DataShape::of(images), torch::kCPU), UsageError);
  c = small_self_conditioned(-1);
  EXPECT_THROW(make_model(c, DataShape::of(images), torch::kCPU), UsageError);
  c = small_self_conditioned(100);  // more clusters than images
  auto m = make_model(c, DataShape::of(images), torch::kCPU);
  EXPECT_THROW(m->prepare(images), UsageError);
}

}  // namespace
}  // namespace tp::gen
