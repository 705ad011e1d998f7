// The sampler behind `torchplay generate` and the sample viewer, on an in-memory model.
#include "generative/model_factory.h"
#include "generative/sampler.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "generative/model.h"
#include "generative/model_io.h"

namespace tp::gen {
namespace {

TEST(Sampler, WalkShowsOneRowPerClassForAConditionalModel) {
  torch::set_num_threads(1);
  DataShape shape;
  shape.channels = 1;
  shape.height = shape.width = 28;
  shape.num_classes = 10;
  auto config = ModelConfig::preset("cgan");
  config.gan.arch = "mlp";
  config.gan.z_dim = 4;
  config.gan.g_hidden = config.gan.d_hidden = "32";
  torch::manual_seed(1);
  LoadedModel loaded;
  loaded.model = make_model(config, shape);
  loaded.header.algorithm = "cgan";
  loaded.header.env = "fashion-mnist";
  Sampler sampler(std::move(loaded));
  EXPECT_EQ(sampler.class_text(8), "class 8 (Bag)");  // the viewer's status line
  EXPECT_EQ(sampler.class_text(0), "class 0 (T-shirt/top)");
  const auto z = sampler.random_latents(2, 5);
  const auto path = Sampler::interpolate(z[0], z[1], 4);
  const auto all = sampler.sample_walk(path);
  ASSERT_EQ(all.size(0), 40);                                                   // 10 rows of 4
  EXPECT_TRUE(torch::allclose(all.narrow(0, 12, 4), sampler.sample(path, 3)));  // row 3: class 3
  EXPECT_EQ(sampler.sample_walk(path, 7).size(0), 4);
  EXPECT_TRUE(torch::allclose(sampler.sample_walk(path, 7), sampler.sample(path, 7)));
}

TEST(ClassNames, FashionMnistNamesItsTenClassesOthersNone) {
  EXPECT_EQ(class_name("fashion-mnist", 9), "Ankle boot");
  EXPECT_EQ(class_name("fashion-mnist", 10), "");
  EXPECT_EQ(class_name("fashion-mnist", -1), "");
  EXPECT_EQ(class_name("/data/my-idx-folder", 3), "");
}

}  // namespace
}  // namespace tp::gen
