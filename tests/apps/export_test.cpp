// TorchScript export: every network kind, written by nets/torchscript.h and the generative
// models, runs under Python's own TorchScript runtime (Debian's python3-torch, no torchplay
// code) and gives torchplay's outputs on 100 inputs; and `torchplay export` end to end.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "agents/alphazero/model.h"
#include "agents/pqn/pqn_network.h"
#include "agents/r2d2/r2d2_network.h"
#include "agents/policy_gradient/normalizers.h"
#include "core/checkpoint.h"
#include "core/json.h"
#include "core/run_dir.h"
#include "envs/games/game_registry.h"
#include "generative/model_factory.h"
#include "nets/torchscript.h"
#include "tests/test_util.h"

namespace tp {
namespace {

constexpr int kInputs = 100;

void write_pickle(const std::string& path, const c10::IValue& value) {
  const std::vector<char> bytes = torch::pickle_save(value);
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// NAME.pt, NAME.inputs (a tuple of tensors) and NAME.expected (torchplay's outputs).
void write_case(const std::string& dir, const std::string& name, torch::jit::Module module,
                const std::vector<torch::Tensor>& inputs, const std::vector<torch::Tensor>& expected) {
  module.save(dir + "/" + name + ".pt");
  write_pickle(dir + "/" + name + ".inputs", c10::ivalue::Tuple::create({inputs.begin(), inputs.end()}));
  write_pickle(dir + "/" + name + ".expected", c10::ivalue::Tuple::create({expected.begin(), expected.end()}));
}

// Trained networks have batch-norm statistics far from the initial 0 and 1: so must these.
void randomize_batch_norm(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (auto& b : net.named_buffers()) {
    if (b.key().find("running_mean") != std::string::npos) b.value().normal_(0, 0.5);
    if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 2.0);
  }
  for (auto& p : net.named_parameters())
    if (p.key().find("bn") != std::string::npos || p.key().find("net.1.") != std::string::npos)
      p.value().normal_(1, 0.2);
}

std::string checker() { return test::test_data("../apps/check_torchscript.py"); }

// `torchplay eval ARGS`'s mean return from its --json line (NaN, which equals nothing, when
// the command failed). `torchplay`: the binary, with an environment to run it in.
double eval_mean(const std::string& args, const std::string& torchplay = test::torchplay_bin()) {
  const auto e = test::run_command(torchplay + " eval " + args + " --quiet --threads 1 --json");
  EXPECT_EQ(e.exit_code, 0) << e.output;
  if (e.exit_code != 0) return std::nan("");
  return Json::parse(test::last_line(e.output)).at("return_mean").get<double>();
}

TEST(ExportRoundTrip, EveryNetworkKindGivesTorchplaysOutputsInPython) {
  test::TempDir dir;
  torch::manual_seed(7);
  int cases = 0;

  // Q networks: MLP, MinAtar and Nature torsos; linear and dueling heads.
  struct QCase {
    std::string name, torso;
    std::vector<int64_t> shape;
    bool dueling;
  };
  for (const QCase& c :
       {QCase{"q_mlp", "mlp", {4}, false}, QCase{"q_mlp_dueling", "mlp", {6}, true},
        QCase{"q_minatar_dueling", "minatar", {4, 10, 10}, true}, QCase{"q_nature", "nature", {4, 84, 84}, false}}) {
    nets::QNetworkOptions o;
    o.torso = c.torso;
    o.input_shape = c.shape;
    o.num_actions = 5;
    o.dueling = c.dueling;
    nets::QNetwork net(o);
    net->eval();
    std::vector<int64_t> batch = {kInputs};
    batch.insert(batch.end(), c.shape.begin(), c.shape.end());
    const torch::Tensor x = torch::randn(batch);
    write_case(dir.path(), c.name, nets::script_q_network(*net), {x}, {net->forward(x).detach()});
    ++cases;
  }

  // PQN networks: LayerNorm per hidden layer and, on MinAtar, over the channels of each cell
  // (its scale and shift moved off 1 and 0, as training moves them); and without LayerNorm.
  for (const auto& [name, torso, layer_norm] : {std::tuple<std::string, std::string, bool>{"pqn_mlp", "mlp", true},
                                                {"pqn_mlp_plain", "mlp", false},
                                                {"pqn_minatar", "minatar", true}}) {
    agents::pqn::PqnNetworkOptions o;
    o.torso = torso;
    o.input_shape = torso == "mlp" ? std::vector<int64_t>{6} : std::vector<int64_t>{4, 10, 10};
    o.num_actions = 3;
    o.hidden = {32, 16};
    o.layer_norm = layer_norm;
    agents::pqn::PqnNetwork net(o);
    {
      torch::NoGradGuard no_grad;
      for (auto& p : net->parameters()) p.add_(torch::randn_like(p) * 0.3);
    }
    std::vector<int64_t> batch = {kInputs};
    batch.insert(batch.end(), o.input_shape.begin(), o.input_shape.end());
    const torch::Tensor x = torch::randn(batch);
    write_case(dir.path(), name, agents::pqn::script_pqn_network(*net), {x}, {net->forward(x).detach()});
    ++cases;
  }

  // R2D2's recurrent networks, one step from a given (h, c): an MLP torso with the dueling
  // head, and the MinAtar convolution with a linear head.
  for (const auto& [name, planes, dueling] : {std::tuple<std::string, std::vector<int64_t>, bool>{"r2d2_mlp", {}, true},
                                              {"r2d2_minatar", {4, 10, 10}, false}}) {
    agents::r2d2::R2d2NetworkOptions o;
    o.planes = planes;
    o.obs_size = planes.empty() ? 6 : 400;
    o.num_actions = 3;
    o.torso = {32};
    o.lstm_size = 16;
    o.dueling = dueling;
    agents::r2d2::R2d2Network net(o);
    std::vector<int64_t> batch = {kInputs};
    if (planes.empty()) batch.push_back(o.obs_size);
    batch.insert(batch.end(), planes.begin(), planes.end());
    const torch::Tensor x = planes.empty() ? torch::randn(batch) : torch::bernoulli(torch::full(batch, 0.2));
    const torch::Tensor h = torch::randn({1, kInputs, 16}), c = torch::randn({1, kInputs, 16});
    const auto [q, state] = net->forward(x.reshape({1, kInputs, o.obs_size}), {h, c});
    write_case(dir.path(), name, agents::r2d2::script_r2d2_network(*net), {x, h, c},
               {q[0].detach(), state.h.detach(), state.c.detach()});
    ++cases;
  }

  // Actor-critics: discrete and continuous, shared and separate torsos, gSDE, MinAtar, and the
  // observation normalization PPO keeps.
  struct AcCase {
    std::string name, torso;
    std::vector<int64_t> shape;
    bool continuous, shared, gsde, normalize;
  };
  for (const AcCase& c : {AcCase{"ac_discrete_shared", "mlp", {4}, false, true, false, false},
                          AcCase{"ac_continuous_normalized", "mlp", {3}, true, false, false, true},
                          AcCase{"ac_gsde", "mlp", {2}, true, false, true, true},
                          AcCase{"ac_minatar", "minatar", {6, 10, 10}, false, false, false, false}}) {
    nets::ActorCriticOptions o;
    o.torso = c.torso;
    o.input_shape = c.shape;
    (c.continuous ? o.action_dim : o.num_actions) = c.continuous ? 2 : 6;
    o.shared_torso = c.shared;
    o.gsde = c.gsde;
    nets::ActorCritic net(o);
    net->eval();
    std::vector<int64_t> batch = {kInputs};
    batch.insert(batch.end(), c.shape.begin(), c.shape.end());
    const torch::Tensor raw = torch::randn(batch) * 3 + 1;
    torch::Tensor x = raw.clone();
    nets::ObservationNormalization norm;
    if (c.normalize) {
      const int64_t n = raw[0].numel();
      agents::pg::RunningMeanStd stats(n);
      const torch::Tensor seen = (torch::randn({64, n}) * 2 + 0.5).contiguous();
      stats.update(seen.data_ptr<float>(), 64);
      stats.normalize(x.data_ptr<float>(), kInputs, 5.0);
      norm.mean = torch::tensor(stats.mean(), torch::kFloat64);
      norm.var = torch::tensor(stats.var(), torch::kFloat64);
      norm.clip = 5.0;
    }
    const nets::ActorCriticOutput out = net->forward(x);
    write_case(dir.path(), c.name, nets::script_actor_critic(*net, norm), {raw},
               {out.policy.detach(), out.value.detach()});
    ++cases;
  }

  // The AlphaZero tower (Connect Four's shape), batch norm statistics as after training.
  {
    nets::ResidualTower net(nets::ResidualTowerOptions(3, 6, 7, 7).blocks(2).filters(16).value_hidden(32));
    randomize_batch_norm(*net);
    net->eval();
    const torch::Tensor x = torch::randint(0, 2, {kInputs, 3, 6, 7}).to(torch::kFloat32);
    const auto [logits, value] = net->forward(x);
    write_case(dir.path(), "alphazero_tower", nets::script_residual_tower(*net), {x},
               {logits.detach(), value.detach()});
    ++cases;
  }
  // With KataGo's global pooling (blocks 2 and 4) and auxiliary heads, which export leaves out.
  {
    nets::ResidualTower net(nets::ResidualTowerOptions(5, 5, 5, 26)
                                .blocks(4)
                                .filters(16)
                                .value_hidden(32)
                                .global_pooling_every(2)
                                .auxiliary_heads(true));
    randomize_batch_norm(*net);
    net->eval();
    const torch::Tensor x = torch::randint(0, 2, {kInputs, 5, 5, 5}).to(torch::kFloat32);
    const auto [logits, value] = net->forward(x);
    write_case(dir.path(), "alphazero_tower_pooled", nets::script_residual_tower(*net), {x},
               {logits.detach(), value.detach()});
    ++cases;
  }

  // Generators and decoders, through the models' own generate().
  struct GenCase {
    std::string name, algorithm;
    gen::DataShape shape;
    double g_ema;
    std::string arch;
  };
  gen::DataShape ring8;
  ring8.synthetic = "ring8";
  gen::DataShape fashion;
  fashion.channels = 1;
  fashion.height = fashion.width = 28;
  gen::DataShape fashion_classes = fashion;
  fashion_classes.num_classes = 10;
  for (const GenCase& c :
       {GenCase{"gan_ring8_mlp_averaged", "gan", ring8, 0.999, "mlp"},
        GenCase{"gan_images_mlp", "gan", fashion, 0, "mlp"},
        GenCase{"cgan_images_mlp", "cgan", fashion_classes, 0, "mlp"}, GenCase{"dcgan", "dcgan", fashion, 0, ""},
        GenCase{"cgan_dcgan_averaged", "cgan", fashion_classes, 0.99, ""}, GenCase{"vae_mlp", "vae", fashion, 0, "mlp"},
        GenCase{"vae_conv", "vae", fashion, 0, "conv"}}) {
    gen::ModelConfig config = gen::ModelConfig::preset(c.algorithm);
    config.gan.ngf = config.gan.ndf = 16;
    config.gan.g_hidden = config.gan.d_hidden = "64,64";
    config.gan.g_ema = c.g_ema;
    if (!c.arch.empty()) (c.algorithm == "vae" ? config.vae.arch : config.gan.arch) = c.arch;
    auto model = gen::make_model(config, c.shape);
    if (config.gan.clusters > 0 && c.algorithm == "dcgan") {  // the preset's self-conditioning: clusters first
      gen::Dataset images;
      images.x = torch::rand({64, 1, 28, 28});
      model->prepare(images);
    }
    const torch::Tensor z = torch::randn({kInputs, model->latent_dim()});
    std::vector<torch::Tensor> inputs = {z};
    torch::Tensor labels;
    if (model->num_classes() > 0) {
      labels = torch::randint(0, model->num_classes(), {kInputs}, torch::kInt64);
      inputs.push_back(labels);
    }
    const torch::Tensor samples = model->generate(z, labels);
    write_case(dir.path(), c.name, model->to_torchscript(), inputs, {samples});
    ++cases;
  }

  const auto r = test::run_command("/usr/bin/python3 " + checker() + " " + dir.path() + " 1e-5");
  std::printf("%s", r.output.c_str());  // the differences, for the record
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::regex ok_line("max \\|difference\\| [^ ]+ ok");
  int ok = 0;
  for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), ok_line); it != std::sregex_iterator(); ++it)
    ++ok;
  EXPECT_EQ(ok, cases) << r.output;
}

TEST(ExportCli, WritesTorchScriptAndPlayOnlyCheckpoints) {
  test::TempDir dir;
  const std::string run = dir.file("run");
  auto r = test::run_torchplay(
      "train dqn --env CartPole-v1 --steps 3000 --eval-every 0 --quiet --threads 1 --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  r = test::run_torchplay("export --model " + run + " --out " + dir.file("q.pt") + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("forward(obs [B, 4]) -> Q values [B, 2]"), std::string::npos) << r.output;

  // The play-only copy: smaller, marked, plays exactly as the run's checkpoint does (the env
  // comes from the checkpoint), and refuses to resume training.
  r = test::run_torchplay("export --model " + run + " --out " + dir.file("play.tpck") + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const CheckpointReader copy(dir.file("play.tpck"));
  EXPECT_TRUE(copy.inference_only());
  const double mean = eval_mean("--agent " + run + " --episodes 5");
  EXPECT_EQ(eval_mean("--agent " + dir.file("play.tpck") + " --episodes 5"), mean);

  // A shipped model's short name (models/, or $TORCHPLAY_MODELS) names the same agent, and a
  // mistyped one gets a hint.
  const std::string models = "TORCHPLAY_MODELS=" + dir.path() + " " + test::torchplay_bin();
  EXPECT_EQ(eval_mean("--agent play --episodes 5", models), mean);
  r = test::run_command(models + " eval --env CartPole-v1 --agent plya --episodes 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("did you mean 'play'?"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("a shipped model (play)"), std::string::npos) << r.output;

  std::filesystem::create_directories(dir.file("copy/checkpoints"));
  std::filesystem::copy_file(run + "/config.ini", dir.file("copy/config.ini"));
  std::filesystem::copy_file(dir.file("play.tpck"), dir.file("copy/checkpoints/ckpt-000000003000.tpck"));
  r = test::run_torchplay("train dqn --resume " + dir.file("copy") + " --steps 4000 --quiet --threads 1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("holds only what playing needs"), std::string::npos) << r.output;

  // The exported module plays as the checkpoint does (`--agent torchscript:FILE.pt`), and on
  // an env whose observations it does not take, it fails with the interpreter's reason.
  EXPECT_EQ(eval_mean("--env CartPole-v1 --agent torchscript:" + dir.file("q.pt") + " --episodes 5"), mean);
  r = test::run_torchplay("eval --env Acrobot-v1 --agent torchscript:" + dir.file("q.pt") + " --episodes 1 --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot be multiplied"), std::string::npos) << r.output;
  r = test::run_torchplay("eval --env CartPole-v1 --agent torchscript:" + dir.file("q.tpck") + " --episodes 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no such TorchScript file"), std::string::npos) << r.output;
  r = test::run_torchplay("eval --env CartPole-v1 --agent torchscript:" + dir.file("play.tpck") + " --episodes 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("is not a TorchScript module"), std::string::npos) << r.output;

  r = test::run_torchplay("export --model " + run + " --out " + dir.file("q.onnx"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("must end in .pt"), std::string::npos) << r.output;
  r = test::run_torchplay("export --model " + dir.file("missing") + " --out " + dir.file("x.pt"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no such checkpoint file or run directory"), std::string::npos) << r.output;
}

// Trains `train_args` (1 thread, no periodic evaluation) into a run and exports it to both
// formats, the .pt's summary naming `contract`; the run, its play-only copy and its .pt must give
// the same 10-episode mean on `env`.
void expect_exports_play_as_the_run(const std::string& train_args, const std::string& env,
                                    const std::string& contract) {
  test::TempDir dir;
  const std::string run = dir.file("run");
  auto r = test::run_torchplay("train " + train_args + " --eval-every 0 --quiet --threads 1 --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("export --model " + run + " --out " + dir.file("net.pt") + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(contract), std::string::npos) << r.output;
  r = test::run_torchplay("export --model " + run + " --out " + dir.file("play.tpck") + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(CheckpointReader(dir.file("play.tpck")).inference_only());
  const std::string episodes = " --episodes 10 --seed 3 --env " + env;
  const double mean = eval_mean("--agent " + run + episodes);
  EXPECT_EQ(eval_mean("--agent " + dir.file("play.tpck") + episodes), mean);
  EXPECT_EQ(eval_mean("--agent torchscript:" + dir.file("net.pt") + episodes), mean);
}

TEST(ExportCli, PqnCheckpointsExportAndPlayAsTheRunDoes) {
  expect_exports_play_as_the_run("pqn --env CartPole-v1 --steps 4096 --final-eval-episodes 5", "CartPole-v1",
                                 "forward(obs [B, 4]) -> Q values [B, 2]");
}

// An R2D2 checkpoint exports as a recurrent module (forward takes and returns the LSTM state;
// initial_state gives the zero one), and `--agent torchscript:` carries that state through each
// episode. Resetting the state at every step instead gave 9.6 against 16.4: the test can tell.
TEST(ExportCli, R2d2CheckpointsExportAsRecurrentModulesAndPlayAsTheRunDoes) {
  expect_exports_play_as_the_run("r2d2 --env MaskedCartPole-v1 --steps 6000 --final-eval-episodes 2",
                                 "MaskedCartPole-v1",
                                 "forward(obs [B, 2], h [1, B, 64], c [1, B, 64]) -> (Q values [B, 2], h, c)");
}

// A board-game network made outside torchplay's checkpoints (here: scripted directly) plays
// through MCTS; one whose outputs break the contract is refused with the shapes it returned.
TEST(ExportCli, TorchScriptGameNetworksPlayThroughMcts) {
  test::TempDir dir;
  torch::manual_seed(3);
  const auto game = envs::make_game_registry().make("tictactoe");
  const auto& info = game->info();
  nets::ResidualTower net(
      nets::ResidualTowerOptions(info.num_planes, info.board_height, info.board_width, info.num_actions)
          .blocks(1)
          .filters(8));
  net->eval();
  nets::script_residual_tower(*net).save(dir.file("tower.pt"));
  auto r = test::run_torchplay("eval --game tictactoe --agent torchscript:" + dir.file("tower.pt") +
                               " --opponent random --games 4 --agent-simulations 16 --quiet --threads 1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4 games"), std::string::npos) << r.output;

  nets::QNetworkOptions o;
  o.input_shape = {info.num_planes * info.board_height * info.board_width};
  o.num_actions = 5;  // not tic-tac-toe's 9, and one output instead of two
  nets::script_q_network(*nets::QNetwork(o)).save(dir.file("wrong.pt"));
  r = test::run_torchplay("eval --game tictactoe --agent torchscript:" + dir.file("wrong.pt") +
                          " --opponent random --games 1 --agent-simulations 4 --quiet --threads 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("must return a tuple (policy logits, value)"), std::string::npos) << r.output;
}

// export --simulations sets the search budget a play-only AlphaZero copy plays with by
// default; it is refused for TorchScript output and for other kinds of checkpoint.
TEST(ExportCli, SimulationsSetsAnAlphaZeroCopysSearchBudget) {
  test::TempDir dir;
  auto r = test::run_torchplay("export --model tictactoe --simulations 64 --out " + dir.file("t.tpck"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("with 64 simulations per move"), std::string::npos) << r.output;
  const auto game = envs::make_game_registry().make("tictactoe");
  EXPECT_EQ(agents::load_alphazero_model(dir.file("t.tpck"), *game, torch::kCPU).info.simulations, 64);
  r = test::run_torchplay("export --model tictactoe --out " + dir.file("same.tpck"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string shipped = test::test_data("../../models/tictactoe.tpck");
  EXPECT_EQ(agents::load_alphazero_model(dir.file("same.tpck"), *game, torch::kCPU).info.simulations,
            agents::load_alphazero_model(shipped, *game, torch::kCPU).info.simulations);
  r = test::run_torchplay("export --model tictactoe --simulations 64 --out " + dir.file("t.pt"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("export to a .tpck"), std::string::npos) << r.output;
  r = test::run_torchplay("export --model cartpole-dqn --simulations 64 --out " + dir.file("d.tpck"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("AlphaZero checkpoints only"), std::string::npos) << r.output;
}

// Every file in models/ is a play-only checkpoint, listed with its figure in models/README.md
// and reproduced by scripts/train_models.sh; the folder stays under the 30 MB.
TEST(ShippedModels, EachIsPlayOnlyDocumentedAndReproducible) {
  const std::string models = test::test_data("../../models");
  const std::string readme = read_file(models + "/README.md");
  const std::string script = read_file(test::test_data("../../scripts/train_models.sh"));
  uintmax_t bytes = 0;
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(models)) {
    if (entry.path().extension() != ".tpck") continue;
    const std::string name = entry.path().stem().string();
    SCOPED_TRACE(name);
    EXPECT_TRUE(CheckpointReader(entry.path().string()).inference_only());
    EXPECT_NE(readme.find("| `" + name + "` |"), std::string::npos) << "no row in models/README.md";
    EXPECT_NE(script.find("\"" + name + "|"), std::string::npos) << "not in scripts/train_models.sh";
    bytes += entry.file_size();
    ++count;
  }
  EXPECT_GE(count, 10);
  EXPECT_LT(bytes, 30u << 20);
}

// The shipped tic-tac-toe model (models/tictactoe.tpck) brings its game: no --game needed.
TEST(ShippedModels, AShortNameBringsItsGame) {
  const auto r =
      test::run_torchplay("eval --agent tictactoe --opponent random --games 2 --agent-simulations 8 --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("on tictactoe"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 games"), std::string::npos) << r.output;
  // Env agents are named by the spec as given, not by the path it resolves to.
  const auto dqn = test::run_torchplay("eval --agent cartpole-dqn --episodes 1 --threads 1");
  ASSERT_EQ(dqn.exit_code, 0) << dqn.output;
  EXPECT_NE(dqn.output.find("dqn:cartpole-dqn on CartPole-v1"), std::string::npos) << dqn.output;
}

}  // namespace
}  // namespace tp
