// Shapes, conditioning and initialization of the generative networks.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nets/autoencoder.h"
#include "nets/classifier.h"
#include "nets/dcgan.h"
#include "nets/vae.h"

namespace tp::nets {
namespace {

TEST(DCGAN, GeneratorAndDiscriminatorShapes) {
  torch::manual_seed(0);
  DCGANGenerator g(DCGANOptions().z_dim(10).ngf(8).ndf(8));
  DCGANDiscriminator d(DCGANOptions().z_dim(10).ngf(8).ndf(8));
  auto x = g->forward(torch::randn({3, 10}));
  EXPECT_EQ(x.sizes(), (torch::IntArrayRef{3, 1, 28, 28}));
  EXPECT_LE(x.abs().max().item<float>(), 1.0f);  // tanh output
  EXPECT_EQ(d->forward(x).sizes(), (torch::IntArrayRef{3}));
  // N(0, 0.02) weights (Radford et al.).
  const auto w = g->named_parameters()["net.3.weight"];
  EXPECT_NEAR(w.std().item<double>(), 0.02, 0.003);
  EXPECT_NE(g->signature(), d->signature());
}

TEST(DCGAN, ConditionalNetworksUseTheLabel) {
  torch::manual_seed(0);
  auto o = DCGANOptions().z_dim(6).ngf(8).ndf(8).num_classes(10).image_size(16).channels(3);
  DCGANGenerator g(o);
  DCGANDiscriminator d(o);
  g->eval();
  auto z = torch::randn({2, 6});
  auto a = g->forward(z, torch::tensor({1, 1}));
  auto b = g->forward(z, torch::tensor({2, 2}));
  EXPECT_EQ(a.sizes(), (torch::IntArrayRef{2, 3, 16, 16}));
  EXPECT_FALSE(torch::allclose(a, b));
  d->eval();
  EXPECT_FALSE(torch::allclose(d->forward(a, torch::tensor({1, 1})), d->forward(a, torch::tensor({5, 5}))));
  EXPECT_ANY_THROW(g->forward(z));  // the label is required
  EXPECT_EQ(one_hot_planes(torch::tensor({3}), 10, 4, 4)[0][3].sum().item<float>(), 16.0f);
}

TEST(DCGAN, LayerNormCriticHasNoBatchNorm) {
  DCGANDiscriminator d(DCGANOptions().ndf(8).d_norm("layer"));
  for (const auto& m : d->modules(false)) EXPECT_EQ(m->as<torch::nn::BatchNorm2d>(), nullptr);
  EXPECT_ANY_THROW(DCGANGenerator(DCGANOptions().image_size(30)));
}

TEST(DCGAN, PackedDiscriminatorJudgesConsecutiveImagesTogether) {
  torch::manual_seed(0);
  const auto o = DCGANOptions().ndf(8).d_norm("layer");  // no BatchNorm: packs otherwise independent
  DCGANDiscriminator packed(DCGANOptions(o).pack(2));
  packed->eval();
  const auto a = torch::rand({1, 1, 28, 28}) * 2 - 1, b = torch::rand({1, 1, 28, 28}) * 2 - 1;
  const auto c = torch::zeros({1, 1, 28, 28});
  const auto out = packed->forward(torch::cat({a, b, a, c}));
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{2}));
  // A pack's logit is a function of its own two images, in order.
  EXPECT_TRUE(torch::allclose(out[0], packed->forward(torch::cat({a, b}))[0]));
  EXPECT_FALSE(torch::allclose(out[0], out[1]));
  EXPECT_FALSE(torch::allclose(out[0], packed->forward(torch::cat({b, a}))[0]));
  // The first layer reads both images' channels; an odd batch is refused.
  EXPECT_EQ(packed->named_parameters()["net.0.weight"].size(1), 2);
  EXPECT_ANY_THROW(packed->forward(torch::cat({a, b, c})));
  EXPECT_NE(packed->signature(), DCGANDiscriminator(o)->signature());
}

TEST(DCGAN, MinibatchStdPlaneMakesTheLogitDependOnTheBatch) {
  torch::manual_seed(0);
  const auto o = DCGANOptions().ndf(8).d_norm("layer");  // no BatchNorm: samples otherwise independent
  DCGANDiscriminator plain(o), mbstd(DCGANOptions(o).minibatch_std(true));
  plain->eval();
  mbstd->eval();
  const auto a = torch::rand({1, 1, 28, 28}) * 2 - 1, b = torch::rand({1, 1, 28, 28}) * 2 - 1;
  const auto c = torch::zeros({1, 1, 28, 28});
  EXPECT_TRUE(torch::allclose(plain->forward(torch::cat({a, b}))[0], plain->forward(torch::cat({a, c}))[0]));
  EXPECT_FALSE(torch::allclose(mbstd->forward(torch::cat({a, b}))[0], mbstd->forward(torch::cat({a, c}))[0]));
  // The same parameter names as the plain discriminator (its checkpoints keep loading); the
  // logit layer has one more input plane.
  const auto pp = plain->named_parameters(), mp = mbstd->named_parameters();
  ASSERT_EQ(pp.size(), mp.size());
  for (const auto& item : pp) ASSERT_TRUE(mp.contains(item.key())) << item.key();
  EXPECT_EQ(mp["net.5.weight"].size(1), 2 * 8 + 1);
  EXPECT_NE(plain->signature(), mbstd->signature());
  // Logit layer reading only the std plane: a batch of identical images has spread
  // sqrt(1e-8) at each of the 7x7 positions, so the logit is 49e-4.
  {
    torch::NoGradGuard no_grad;
    mp["net.5.weight"].zero_();
    mp["net.5.weight"].select(1, 16).fill_(1.0);
    mp["net.5.bias"].zero_();
  }
  const auto same = mbstd->forward(torch::cat({a, a, a}));
  EXPECT_TRUE(torch::allclose(same, torch::full({3}, 49e-4), 1e-4, 1e-7)) << same;
  EXPECT_GT(mbstd->forward(torch::cat({a, b}))[0].item<float>(), 49e-4 * 10);
}

TEST(VAE, MlpAndConvShapes) {
  for (const std::string kind : {"mlp", "conv"}) {
    VAE vae(VAEOptions().kind(kind).hidden({32}).latent(5));
    auto [mu, logvar] = vae->encode(torch::rand({4, 1, 28, 28}));
    EXPECT_EQ(mu.sizes(), (torch::IntArrayRef{4, 5})) << kind;
    EXPECT_EQ(logvar.sizes(), (torch::IntArrayRef{4, 5})) << kind;
    EXPECT_EQ(vae->decode(mu).sizes(), (torch::IntArrayRef{4, 1, 28, 28})) << kind;
  }
  EXPECT_ANY_THROW(VAE(VAEOptions().kind("rnn")));
  EXPECT_EQ(VAE(VAEOptions())->signature(), "vae-mlp:c1:s28:z20-400");
}

TEST(Autoencoder, LevelsAndLayerwiseParameters) {
  Autoencoder ae(AutoencoderOptions({784, 64, 16}));
  EXPECT_EQ(ae->levels(), 2);
  auto x = torch::rand({3, 1, 28, 28});
  EXPECT_EQ(ae->encode(x).sizes(), (torch::IntArrayRef{3, 16}));
  EXPECT_EQ(ae->encode(x, 1).sizes(), (torch::IntArrayRef{3, 64}));
  EXPECT_EQ(ae->reconstruct_logits(x).sizes(), (torch::IntArrayRef{3, 784}));
  EXPECT_EQ(ae->layer_parameters(1).size(), 4u);  // encoder and decoder weight + bias
  EXPECT_EQ(ae->layer_parameters(1)[0].sizes(), (torch::IntArrayRef{16, 64}));
  EXPECT_ANY_THROW(Autoencoder(AutoencoderOptions({784})));
}

TEST(SmallCNN, FeaturesAndLogits) {
  SmallCNN cnn(SmallCNNOptions().features(32));
  cnn->eval();
  auto x = torch::rand({2, 1, 28, 28});
  EXPECT_EQ(cnn->features(x).sizes(), (torch::IntArrayRef{2, 32}));
  EXPECT_EQ(cnn->forward(x).sizes(), (torch::IntArrayRef{2, 10}));
}

}  // namespace
}  // namespace tp::nets
