// SRGAN's networks: the sub-pixel shuffle against a hand example, SRResNet's 4x output and its
// skip over the residual trunk, the discriminator's one logit per image.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nets/srgan.h"

namespace tp::nets {
namespace {

TEST(SubPixel, ShuffleMovesChannelsIntoBlocksAsShiEtAlDescribe) {
  // Four channels of one pixel become one 2x2 block: channel 2i + j -> row i, column j.
  torch::nn::PixelShuffle shuffle(torch::nn::PixelShuffleOptions(2));
  // Pixel (0, 0) holds channels 1, 2, 3, 4 -> [[1, 2], [3, 4]]; pixel (0, 1) holds 5..8.
  const auto x = torch::tensor({1.0f, 5.0f, 2.0f, 6.0f, 3.0f, 7.0f, 4.0f, 8.0f}).view({1, 4, 1, 2});
  const auto expected = torch::tensor({1.0f, 2.0f, 5.0f, 6.0f, 3.0f, 4.0f, 7.0f, 8.0f}).view({1, 1, 2, 4});
  EXPECT_TRUE(torch::equal(shuffle(x), expected)) << shuffle(x);
}

TEST(SRResNet, UpscalesFourTimes) {
  torch::manual_seed(1);
  SRResNet g(SRResNetOptions().width(8).blocks(2));
  const auto y = g->forward(torch::rand({3, 1, 7, 7}) * 2 - 1);
  EXPECT_EQ(y.sizes(), torch::IntArrayRef({3, 1, 28, 28}));
  EXPECT_LE(y.abs().max().item<double>(), 1.0);
  EXPECT_THROW(SRResNet(SRResNetOptions().scale(3)), std::exception);
  SRGANDiscriminator d(SRGANDiscriminatorOptions().ndf(4));
  EXPECT_EQ(d->forward(torch::zeros({5, 1, 28, 28})).sizes(), torch::IntArrayRef({5}));
}

}  // namespace
}  // namespace tp::nets
