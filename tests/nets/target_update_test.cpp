// Target networks are deep copies: updating the online network never moves the target.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nets/q_networks.h"
#include "nets/target_update.h"

using tp::nets::QNetwork;

namespace {
QNetwork make() {
  tp::nets::QNetworkOptions o;
  o.torso = "minatar";
  o.input_shape = {2, 10, 10};
  o.num_actions = 3;
  return QNetwork(o);
}
}  // namespace

TEST(TargetUpdate, CloneAndHardUpdateAreDeepCopies) {
  torch::manual_seed(1);
  QNetwork online = make();
  QNetwork target = tp::nets::clone_q_network(online);
  auto op = online->parameters();
  auto tp_ = target->parameters();
  ASSERT_EQ(op.size(), tp_.size());
  for (size_t i = 0; i < op.size(); ++i) {
    EXPECT_TRUE(torch::equal(op[i], tp_[i]));
    EXPECT_NE(op[i].data_ptr(), tp_[i].data_ptr()) << "parameter " << i << " is shared, not copied";
  }
  const auto before = tp_[0].clone();
  {
    torch::NoGradGuard ng;
    op[0].add_(1.0);
  }
  EXPECT_TRUE(torch::equal(tp_[0], before));
  tp::nets::hard_update(*target, *online);
  EXPECT_TRUE(torch::equal(tp_[0], op[0]));
  {
    torch::NoGradGuard ng;
    op[0].mul_(2.0);
  }
  EXPECT_FALSE(torch::equal(tp_[0], op[0]));
}

TEST(TargetUpdate, SoftUpdateIsPolyakAveraging) {
  torch::manual_seed(2);
  QNetwork online = make(), target = make();
  const auto o0 = online->parameters()[2].clone(), t0 = target->parameters()[2].clone();
  tp::nets::soft_update(*target, *online, 0.1);
  EXPECT_TRUE(torch::allclose(target->parameters()[2], 0.1 * o0 + 0.9 * t0));
  EXPECT_TRUE(torch::equal(online->parameters()[2], o0));
}
