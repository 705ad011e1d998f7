// pix2pix's networks: U-Net shapes and skip connections, PatchGAN shapes and receptive field
// (measured by autograd), dropout as test-time noise drawn from the caller's stream.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>

#include "nets/unet.h"

namespace tp::nets {
namespace {

TEST(UNet, MapsImagesToImagesOfTheSameSizeThroughA1x1Bottleneck) {
  torch::manual_seed(1);
  UNet g(UNetOptions().in_channels(2).out_channels(1).image_size(28).ngf(8));
  EXPECT_EQ(g->depth(), 5);  // 28 padded to 32: 32 -> 16 -> 8 -> 4 -> 2 -> 1
  EXPECT_EQ(g->padded_size(), 32);
  const auto out = g->forward(torch::rand({3, 2, 28, 28}) * 2 - 1);
  EXPECT_EQ(out.sizes(), torch::IntArrayRef({3, 1, 28, 28}));
  EXPECT_LE(out.abs().max().item<double>(), 1.0);  // tanh
  UNet g16(UNetOptions().image_size(16).ngf(4));
  EXPECT_EQ(g16->depth(), 4);
  EXPECT_EQ(g16->forward(torch::zeros({2, 1, 16, 16})).sizes(), torch::IntArrayRef({2, 1, 16, 16}));
  EXPECT_THROW(UNet(UNetOptions().image_size(4)), std::exception);
}

// |d out[row, col] / d input| summed over channels, (H, W). Eval mode, so BatchNorm does not
// mix the images of a batch.
torch::Tensor pixel_gradient(torch::nn::Module& net, const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                             const torch::Tensor& input, int64_t row, int64_t col) {
  net.eval();
  auto x = input.clone().requires_grad_(true);
  forward(x).select(2, row).select(2, col).sum().backward();
  return x.grad().abs().sum(1)[0];
}

TEST(UNet, SkipConnectionsCarryTheInputPastACutBottleneck) {
  // Zero the innermost encoder layer's weights: nothing passes the 1x1 bottleneck any more.
  // The encoder-decoder's output then no longer depends on its input at all; the U-Net's still
  // does, through its skips.
  for (bool skips : {true, false}) {
    torch::manual_seed(2);
    UNet g(UNetOptions().image_size(16).ngf(4).dropout(0).skips(skips));
    {
      torch::NoGradGuard no_grad;
      for (auto& p : g->named_parameters())
        if (p.key().rfind("down." + std::to_string(g->depth() - 1) + ".", 0) == 0 &&
            p.key().find("weight") != std::string::npos)
          p.value().zero_();
    }
    const auto grad = pixel_gradient(
        *g, [&](const torch::Tensor& x) { return g->forward(x); }, torch::rand({1, 1, 16, 16}), 8, 8);
    if (skips)
      EXPECT_GT(grad.sum().item<double>(), 0.0);
    else
      EXPECT_EQ(grad.sum().item<double>(), 0.0);
  }
}

TEST(UNet, DropoutIsTestTimeNoiseFromTheCallersStream) {
  torch::manual_seed(3);
  UNet g(UNetOptions().image_size(16).ngf(4));
  g->eval();  // pix2pix keeps dropout at test time
  torch::NoGradGuard no_grad;
  const auto x = torch::rand({2, 1, 16, 16});
  auto a = at::detail::createCPUGenerator(7), b = at::detail::createCPUGenerator(7),
       c = at::detail::createCPUGenerator(8);
  const auto ya = g->forward(x, a), yb = g->forward(x, b), yc = g->forward(x, c);
  EXPECT_TRUE(torch::equal(ya, yb));
  EXPECT_FALSE(torch::equal(ya, yc));
  UNet quiet(UNetOptions().image_size(16).ngf(4).dropout(0));
  quiet->eval();
  EXPECT_TRUE(torch::equal(quiet->forward(x, a), quiet->forward(x, c)));
}

TEST(PatchDiscriminator, OneLogitPerPatchOfTheStatedReceptiveField) {
  // Isola et al.: 1, 2, 3 stride-2 layers see 16x16, 34x34, 70x70 patches.
  const int64_t expected[] = {16, 34, 70};
  for (int64_t layers = 1; layers <= 3; ++layers) {
    torch::manual_seed(4);
    PatchDiscriminator d(PatchDiscriminatorOptions().in_channels(2).ndf(4).layers(layers));
    EXPECT_EQ(d->receptive_field(), expected[layers - 1]);
    const auto out = d->forward(torch::zeros({2, 2, 96, 96}));
    // The extent of the input one central logit depends on, measured by autograd.
    const int64_t r = out.size(2) / 2, c = out.size(3) / 2;
    const auto grad = pixel_gradient(
        *d, [&](const torch::Tensor& x) { return d->forward(x); }, torch::rand({1, 2, 96, 96}), r, c);
    const auto rows = grad.sum(1).nonzero(), cols = grad.sum(0).nonzero();
    EXPECT_EQ(rows.max().item<int64_t>() - rows.min().item<int64_t>() + 1, d->receptive_field()) << layers;
    EXPECT_EQ(cols.max().item<int64_t>() - cols.min().item<int64_t>() + 1, d->receptive_field()) << layers;
  }
  // On 28x28 pairs the 34x34 PatchGAN gives 5x5 logits.
  PatchDiscriminator d(PatchDiscriminatorOptions().in_channels(2).ndf(4).layers(2));
  EXPECT_EQ(d->forward(torch::zeros({3, 2, 28, 28})).sizes(), torch::IntArrayRef({3, 1, 5, 5}));
}

}  // namespace
}  // namespace tp::nets
