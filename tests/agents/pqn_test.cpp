// PQN: Q(lambda) targets against hand-worked values, the LayerNorm networks, usage errors,
// exact resume, and seeded learning on CartPole with `torchplay eval` reproducing the figure.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

#include "agents/pqn/pqn_network.h"
#include "agents/pqn/q_lambda.h"
#include "core/checkpoint.h"
#include "core/json.h"
#include "tests/test_util.h"
#include "tests/train_run.h"

using tp::agents::pqn::q_lambda_targets;
using tp::test::last_line;
using tp::test::run_torchplay;
using tp::test::train_json;

namespace {

// Three envs over three steps, gamma 0.5:
//   env 0: no episode ends;  rewards 1, 1, 1; next max-Q 2, 4, 8
//   env 1: terminal at t=1;  rewards 1, 2, 3; next max-Q 2, 99 (ignored), 8
//   env 2: truncated at t=0; rewards 1, 1, 1; next max-Q 6 (of the final obs), 4, 8
struct Example {
  torch::Tensor rewards = torch::tensor({1.f, 1.f, 1.f, 1.f, 2.f, 1.f, 1.f, 3.f, 1.f}).reshape({3, 3});
  torch::Tensor next_q = torch::tensor({2.f, 2.f, 6.f, 4.f, 99.f, 4.f, 8.f, 8.f, 8.f}).reshape({3, 3});
  torch::Tensor terminated = torch::tensor({0.f, 0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 0.f}).reshape({3, 3});
  torch::Tensor done = torch::tensor({0.f, 0.f, 1.f, 0.f, 1.f, 0.f, 0.f, 0.f, 0.f}).reshape({3, 3});
  torch::Tensor targets(double lambda) const {
    return q_lambda_targets(rewards, next_q, terminated, done, 0.5, lambda);
  }
};

void expect_near(const torch::Tensor& got, std::vector<float> want) {
  const torch::Tensor w = torch::tensor(want).reshape({3, 3});
  EXPECT_TRUE(torch::allclose(got, w, 1e-6, 1e-6)) << "got\n" << got << "\nwant\n" << w;
}

torch::Tensor pqn_online_parameters(const std::string& path) {
  tp::CheckpointReader reader(path);
  tp::agents::pqn::PqnNetwork net(tp::agents::pqn::pqn_network_options_from_spec(reader.bytes("net")));
  reader.load_module("online", *net);
  std::vector<torch::Tensor> flat;
  for (const auto& p : net->parameters()) flat.push_back(p.detach().flatten());
  return torch::cat(flat);
}

int count_layer_norms(tp::agents::pqn::PqnNetwork& net) {
  int n = 0;
  for (const auto& m : net->modules(/*include_self=*/false))
    if (dynamic_cast<torch::nn::LayerNormImpl*>(m.get())) ++n;
  return n;
}

}  // namespace

// lambda 0.5 by hand, row t, column env:
//   env 0: G2 = 1 + .5*8 = 5; G1 = 1 + .5(.5*5 + .5*4) = 3.25; G0 = 1 + .5(.5*3.25 + .5*2) = 2.3125
//   env 1: G2 = 3 + .5*8 = 7; G1 = 2 (terminal); G0 = 1 + .5(.5*2 + .5*2) = 2
//   env 2: G2 = 5; G1 = 3.25; G0 = 1 + .5*6 = 4 (truncated: max-Q of the final obs, not G1)
TEST(PqnQLambda, HandWorkedTerminalAndTruncation) {
  expect_near(Example().targets(0.5), {2.3125f, 2.f, 4.f, 3.25f, 2.f, 3.25f, 5.f, 7.f, 5.f});
}

// lambda 0: one-step targets r + gamma (1 - term) max-Q.
TEST(PqnQLambda, LambdaZeroIsOneStepQLearning) {
  expect_near(Example().targets(0.0), {2.f, 2.f, 4.f, 3.f, 2.f, 3.f, 5.f, 7.f, 5.f});
}

// lambda 1: discounted returns to the episode's end, bootstrapped at the rollout's end and at
// the truncation: env 0: 1 + .5(1 + .5(1 + .5*8)) = 2.75.
TEST(PqnQLambda, LambdaOneIsMonteCarloWithBootstrapAtTheRolloutEnd) {
  expect_near(Example().targets(1.0), {2.75f, 2.f, 4.f, 3.5f, 2.f, 3.5f, 5.f, 7.f, 5.f});
}

TEST(PqnNetwork, MlpHasALayerNormPerHiddenLayer) {
  tp::agents::pqn::PqnNetworkOptions o;
  o.input_shape = {4};
  o.num_actions = 2;
  o.hidden = {32, 16};
  tp::agents::pqn::PqnNetwork net(o);
  EXPECT_EQ(net->forward(torch::randn({5, 4})).sizes(), (std::vector<int64_t>{5, 2}));
  EXPECT_EQ(count_layer_norms(net), 2);
  EXPECT_EQ(net->signature(), "pqn:mlp:4:32-16-relu:ln:2");
  const auto back = tp::agents::pqn::pqn_network_options_from_spec(tp::agents::pqn::to_spec(o));
  EXPECT_EQ(tp::agents::pqn::PqnNetwork(back)->signature(), net->signature());
  o.layer_norm = false;
  tp::agents::pqn::PqnNetwork plain(o);
  EXPECT_EQ(count_layer_norms(plain), 0);
  EXPECT_EQ(plain->signature(), "pqn:mlp:4:32-16-relu:plain:2");
}

TEST(PqnNetwork, MinAtarTorsoNormalisesConvChannelsAndTheDenseLayer) {
  tp::agents::pqn::PqnNetworkOptions o;
  o.torso = "minatar";
  o.input_shape = {4, 10, 10};
  o.num_actions = 6;
  tp::agents::pqn::PqnNetwork net(o);
  EXPECT_EQ(net->forward(torch::rand({3, 4, 10, 10})).sizes(), (std::vector<int64_t>{3, 6}));
  EXPECT_EQ(count_layer_norms(net), 2);
  // The conv LayerNorm has one gain per channel (16), the dense one one per unit (128).
  std::vector<int64_t> gains;
  for (const auto& m : net->modules(false))
    if (auto* ln = dynamic_cast<torch::nn::LayerNormImpl*>(m.get())) gains.push_back(ln->weight.numel());
  std::sort(gains.begin(), gains.end());
  EXPECT_EQ(gains, (std::vector<int64_t>{16, 128}));
}

TEST(PqnCli, BadOptionsAreOneLineUsageErrors) {
  for (const std::string args :
       {"train pqn --bogus", "train pqn --num-minibatches 0", "train pqn --lambda 1.5",
        "train pqn --final-policy worst", "train pqn --env Pendulum-v1", "train pqn --env NoSuchEnv-v0"}) {
    const auto r = run_torchplay(args + " --quiet");
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << ": " << r.output;
  }
  const auto help = run_torchplay("train pqn --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--lambda"), std::string::npos);
  const auto minatar = run_torchplay("train pqn --env MinAtar/Breakout-v1 --help");
  EXPECT_NE(minatar.output.find("0.65"), std::string::npos) << minatar.output;
}

// Same seed, one LibTorch thread: a run resumed from its checkpoint at 2048 of 4096 steps (as
// after a kill: the newer checkpoint is removed) ends with the same network, bit for bit.
TEST(PqnTraining, ResumeEqualsAnUninterruptedRun) {
  tp::test::expect_resume_equals_straight(
      "pqn",
      "--env CartPole-v1 --seed 3 --steps 4096 --num-envs 8 --num-steps 32 --update-epochs 2 --num-minibatches 4"
      " --hidden 32,32 --eval-every 0 --final-eval-episodes 2 --checkpoint-every 2048",
      "ckpt-000000004096.tpck", pqn_online_parameters);
}

// Seeded learning: the CartPole preset cut to 100k steps (epsilon and lr schedules scale with
// it) reaches a greedy 100-episode mean >= 475, and `torchplay eval` on the checkpoint gives
// the same figure. About 20 s on the 2-core machine.
TEST(PqnTraining, CartPoleSolvedIn100kStepsAndEvalReproducesTheFigure) {
  tp::test::TempDir dir;
  const tp::Json j = train_json("train pqn --env CartPole-v1 --seed 1 --steps 100000 --run-dir " + dir.file("run"));
  EXPECT_EQ(j.at("final_eval_episodes").get<int>(), 100);
  EXPECT_GE(j.at("final_eval_mean").get<double>(), 475.0);
  const auto ev = run_torchplay("eval --env CartPole-v1 --seed 1 --episodes 100 --json --quiet --agent " +
                                j.at("checkpoint").get<std::string>());
  ASSERT_EQ(ev.exit_code, 0) << ev.output;
  EXPECT_EQ(tp::Json::parse(last_line(ev.output)).at("return_mean").get<double>(),
            j.at("final_eval_mean").get<double>());
}
