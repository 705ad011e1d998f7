// Batch statistics summed over a DataParallel step's shards (nets/shard_sync.h), against
// LibTorch's own single-threaded modules on the whole batch as the oracle: the outputs,
// gradients (double backward included) and running statistics of a step split over 2 or 3
// parts are the whole batch's; a failing part releases the others; outside a step a layer is
// its own forward.
#include "nets/shard_sync.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "nets/data_parallel.h"
#include "nets/dcgan.h"

namespace tp::nets {
namespace {

// conv - BatchNorm - ReLU - conv, layer by layer through forward_layer() as the DCGAN's.
struct ConvBnNetImpl : torch::nn::Module, BatchStatistics {
  ConvBnNetImpl() {
    torch::manual_seed(11);  // every instance starts alike (run() shares the first's weights anyway)
    net = register_module("net", torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 4, 3).padding(1)),
                                                       torch::nn::BatchNorm2d(4), torch::nn::ReLU(),
                                                       torch::nn::Conv2d(torch::nn::Conv2dOptions(4, 1, 3))));
  }
  torch::Tensor forward(torch::Tensor x) {
    for (auto& layer : *net) x = forward_layer(layer, x);
    return x;
  }
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(ConvBnNet);

// Part p's gradients summed over the copies, parameter by parameter.
std::vector<torch::Tensor> summed_gradients(const std::vector<std::shared_ptr<torch::nn::Module>>& copies) {
  std::vector<torch::Tensor> sums;
  for (const auto& copy : copies) {
    const auto params = copy->parameters();
    if (sums.empty())
      for (const auto& p : params) sums.push_back(torch::zeros_like(p));
    for (size_t j = 0; j < params.size(); ++j)
      if (params[j].grad().defined()) sums[j] += params[j].grad();
  }
  return sums;
}

TEST(ShardSync, BatchNormSplitOverPartsTrainsAsOnTheWholeBatch) {
  torch::set_num_threads(1);
  const auto x = torch::randn({10, 2, 5, 5}) * 2 + 0.5, target = torch::randn({10, 1, 3, 3});
  ConvBnNet whole;  // never split: LibTorch's BatchNorm2d forward on the whole batch
  const auto whole_out = whole->forward(x);
  (whole_out - target).square().mean().backward();
  const auto* whole_bn = whole->net[1]->as<torch::nn::BatchNorm2d>();

  for (int parts : {2, 3}) {
    std::vector<ConvBnNet> nets;
    std::vector<std::shared_ptr<torch::nn::Module>> modules;
    for (int p = 0; p < parts; ++p) {
      nets.push_back(ConvBnNet());
      modules.push_back(nets.back().ptr());
    }
    DataParallel dp(parts);
    dp.add_network(modules);
    auto out = torch::zeros_like(whole_out);
    dp.run(10, [&](int part, const Shard& s) {
      auto y = nets[static_cast<size_t>(part)]->forward(x.narrow(0, s.begin, s.size));
      {
        torch::NoGradGuard no_grad;
        out.narrow(0, s.begin, s.size).copy_(y);
      }
      ((y - target.narrow(0, s.begin, s.size)).square().mean() * s.weight).backward();
      return std::vector<double>{};
    });
    EXPECT_TRUE(torch::allclose(out, whole_out, 1e-4, 1e-5)) << parts << " parts";
    const auto grads = summed_gradients(modules);
    const auto expected = whole->parameters();
    ASSERT_EQ(grads.size(), expected.size());
    for (size_t j = 0; j < grads.size(); ++j)
      EXPECT_TRUE(torch::allclose(grads[j], expected[j].grad(), 1e-4, 1e-6)) << parts << " parts, parameter " << j;
    const auto* bn = nets[0]->net[1]->as<torch::nn::BatchNorm2d>();
    EXPECT_TRUE(torch::allclose(bn->running_mean, whole_bn->running_mean, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(bn->running_var, whole_bn->running_var, 1e-5, 1e-6));
    EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 1);
  }
}

TEST(ShardSync, DcganDiscriminatorSplitOverPartsJudgesTheWholeBatch) {
  torch::set_num_threads(1);
  const auto o = DCGANOptions().image_size(8).ndf(4).minibatch_std(true);
  const auto x = torch::randn({9, 1, 8, 8});
  torch::manual_seed(3);
  DCGANDiscriminator whole(o);
  // The loss and WGAN-GP's penalty: a double backward through the batch statistics.
  auto loss_of = [](DCGANDiscriminator& d, const torch::Tensor& in, double weight) {
    auto mixed = in.detach().requires_grad_(true);
    auto out = d->forward(mixed);
    auto grad = torch::autograd::grad({out.sum()}, {mixed}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
    auto penalty = (grad.flatten(1).norm(2, 1) - 1).square().sum();
    ((out.square().sum() + penalty) * weight).backward();
    return out.detach();
  };
  const auto whole_out = loss_of(whole, x, 1.0);

  const int parts = 2;
  std::vector<DCGANDiscriminator> copies = {DCGANDiscriminator(o), DCGANDiscriminator(o)};
  {
    torch::NoGradGuard no_grad;
    const auto from = whole->parameters();
    auto to = copies[0]->parameters();
    for (size_t j = 0; j < to.size(); ++j) to[j].copy_(from[j]);
  }
  DataParallel dp(parts);
  dp.add_network({copies[0].ptr(), copies[1].ptr()});
  auto out = torch::zeros_like(whole_out);
  dp.run(9, [&](int part, const Shard& s) {
    const auto y = loss_of(copies[static_cast<size_t>(part)], x.narrow(0, s.begin, s.size), 1.0);
    out.narrow(0, s.begin, s.size).copy_(y);
    return std::vector<double>{};
  });
  EXPECT_TRUE(torch::allclose(out, whole_out, 1e-4, 1e-5));
  const auto grads = summed_gradients({copies[0].ptr(), copies[1].ptr()});
  const auto expected = whole->parameters();
  for (size_t j = 0; j < grads.size(); ++j)
    EXPECT_TRUE(torch::allclose(grads[j], expected[j].grad(), 1e-3, 1e-5)) << "parameter " << j;
}

TEST(ShardSync, AFailingPartReleasesThePartsWaitingForIt) {
  torch::set_num_threads(1);
  std::vector<ConvBnNet> nets = {ConvBnNet(), ConvBnNet()};
  DataParallel dp(2);
  dp.add_network({nets[0].ptr(), nets[1].ptr()});
  const auto x = torch::randn({4, 2, 5, 5});
  auto step = [&](bool fail) {
    return dp.run(4, [&](int part, const Shard& s) {
      if (fail && part == 1) throw std::runtime_error("part 1 failed");
      nets[static_cast<size_t>(part)]->forward(x.narrow(0, s.begin, s.size)).sum().backward();
      return std::vector<double>{};
    });
  };
  EXPECT_THROW(step(true), std::runtime_error);
  EXPECT_NO_THROW(step(false));  // the next step runs as usual
}

TEST(ShardSync, OutsideAStepEveryLayerRunsItsOwnForward) {
  torch::set_num_threads(1);
  const auto x = torch::randn({6, 2, 5, 5});
  ConvBnNet plain_net;
  auto plain = plain_net->net;  // the Sequential's own forward
  std::vector<ConvBnNet> nets = {ConvBnNet(), ConvBnNet()};
  {
    DataParallel dp(2);
    dp.add_network({nets[0].ptr(), nets[1].ptr()});
    // Bound, but no step is running: the layers' own forward.
    EXPECT_TRUE(torch::equal(nets[0]->forward(x), plain->forward(x)));
  }
  // The DataParallel is gone; its copies no longer refer to it.
  EXPECT_TRUE(torch::equal(nets[0]->forward(x), plain->forward(x)));
  nets[0]->eval();
  plain->eval();
  EXPECT_TRUE(torch::equal(nets[0]->forward(x), plain->forward(x)));
}

}  // namespace
}  // namespace tp::nets
