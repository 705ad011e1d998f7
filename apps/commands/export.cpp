// `torchplay export --model CKPT --out FILE`: a checkpoint's network as a TorchScript module
// (FILE.pt, for Python's torch.jit.load and any LibTorch program), or as a checkpoint that
// holds only what playing needs (FILE.tpck: no optimizer or generator states, as models/ ships).
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "agents/agent_spec.h"
#include "agents/alphazero/model.h"
#include "agents/dqn/dqn_policy.h"
#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/pg_policy.h"
#include "agents/pqn/pqn_options.h"
#include "agents/pqn/pqn_policy.h"
#include "agents/r2d2/r2d2_options.h"
#include "agents/r2d2/r2d2_policy.h"
#include "apps/commands.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/runtime.h"
#include "core/text.h"
#include "envs/games/game_registry.h"
#include "envs/registry.h"
#include "generative/model_io.h"
#include "nets/torchscript.h"

namespace tp::app {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

struct Exported {
  torch::jit::Module module{"__torch__.torchplay.Unset"};
  std::string contract;                         // forward's arguments and results, for the summary line
  std::map<std::string, std::string> replaced;  // entries the play-only copy gets new contents for
};

// Loads the network the checkpoint plays or samples with, as play, eval and generate load it
// (which also marks the entries playing needs), and with `script` writes it as TorchScript.
// `simulations` > 0: an AlphaZero copy's default search budget (refused for other kinds).
Exported load_and_script(CheckpointReader& reader, bool script, int simulations) {
  const std::string algorithm = reader.header().algorithm;
  const torch::Device cpu(torch::kCPU);
  Exported out;
  TP_CHECK_AS(UsageError, simulations == 0 || algorithm == agents::kAlphaZeroAlgorithm,
              "--simulations applies to AlphaZero checkpoints only ('", reader.path(), "' is ", algorithm, ")");
  if (algorithm == agents::kAlphaZeroAlgorithm) {
    const auto target = agents::agent_target(reader);
    TP_CHECK_AS(CheckpointError, target.has_value(), "checkpoint '", reader.path(), "' names no game");
    const auto game = envs::make_game_registry().make(target->name, target->options);
    const agents::LoadedAlphaZeroModel model = agents::load_alphazero_model(reader, *game, cpu);
    if (simulations > 0) {
      TP_CHECK_AS(UsageError, !script, "--simulations sets a checkpoint's search budget: export to a .tpck");
      agents::AlphaZeroModelInfo player = model.info;
      player.simulations = simulations;
      out.replaced[agents::kAlphaZeroPlayerEntry] = player.to_json();
    }
    if (script) out.module = nets::script_residual_tower(*model.net);
    out.contract = "forward(planes [B, " + std::to_string(game->info().num_planes) + ", " +
                   std::to_string(game->info().board_height) + ", " + std::to_string(game->info().board_width) +
                   "]) -> (policy logits [B, " + std::to_string(game->info().num_actions) + "], value [B])";
    return out;
  }
  if (algorithm == agents::dqn::kDqnAlgorithm || algorithm == agents::pqn::kPqnAlgorithm ||
      algorithm == agents::r2d2::kR2d2Algorithm || agents::pg::is_policy_gradient_algorithm(algorithm)) {
    const auto target = agents::agent_target(reader);
    TP_CHECK_AS(CheckpointError, target.has_value(), "checkpoint '", reader.path(), "' names no env");
    const auto env = envs::make_env_registry().make(target->name, envs::parse_env_kwargs(target->options));
    std::string shape;
    for (int d : env->observation_space().shape) shape += ", " + std::to_string(d);
    const std::string q_contract =
        "forward(obs [B" + shape + "]) -> Q values [B, " + std::to_string(env->action_space().n) + "]";
    if (algorithm == agents::dqn::kDqnAlgorithm) {
      auto net = agents::dqn::load_dqn_network(reader, *env, cpu);
      if (script) out.module = nets::script_q_network(*net);
      out.contract = q_contract;
      return out;
    }
    if (algorithm == agents::pqn::kPqnAlgorithm) {
      auto net = agents::pqn::load_pqn_network(reader, *env, cpu);
      if (script) out.module = agents::pqn::script_pqn_network(*net);
      out.contract = q_contract;
      return out;
    }
    if (algorithm == agents::r2d2::kR2d2Algorithm) {
      auto net = agents::r2d2::load_r2d2_network(reader, *env, cpu);
      if (script) out.module = agents::r2d2::script_r2d2_network(*net);
      const std::string state = "[1, B, " + std::to_string(net->options().lstm_size) + "]";
      out.contract = "forward(obs [B" + shape + "], h " + state + ", c " + state + ") -> (Q values [B, " +
                     std::to_string(env->action_space().n) + "], h, c); initial_state(B) -> zero (h, c)";
      return out;
    }
    auto policy = agents::pg::load_pg_policy(reader, *env, cpu, /*sample=*/false, /*seed=*/1);
    nets::ObservationNormalization norm;
    if (const auto& stats = policy->settings().obs_stats) {
      norm.mean = torch::tensor(stats->mean(), torch::kFloat64);
      norm.var = torch::tensor(stats->var(), torch::kFloat64);
      norm.clip = policy->settings().obs_clip;
    }
    if (script) out.module = nets::script_actor_critic(*policy->network(), norm);
    const bool continuous = env->continuous_action_space() != nullptr;
    out.contract = "forward(obs [B" + shape + "]) -> (" + (continuous ? "action means" : "action logits") +
                   ", value [B])" + (norm.mean.defined() ? ", observations normalized inside" : "");
    return out;
  }
  gen::LoadedModel loaded = gen::load_model_checkpoint(reader, cpu);
  if (script) out.module = loaded.model->to_torchscript();
  out.contract = std::string("forward(z [B, ") + std::to_string(loaded.model->latent_dim()) + "]" +
                 (loaded.model->num_classes() > 0 ? ", labels [B] int64" : "") +
                 ") -> samples as `generate` makes them";
  return out;
}

}  // namespace

int cmd_export(const Args& args) {
  CommonOptions common;
  std::string model, out;
  int simulations = 0;
  OptionSet set(
      "torchplay export --model CHECKPOINT --out FILE.pt|FILE.tpck\n"
      "FILE.pt: the network as a TorchScript module (docs/export.md); FILE.tpck: a checkpoint with only\n"
      "what playing needs (no optimizer or generator states)");
  set.add("model", &model, "a checkpoint file, a run directory (its newest checkpoint) or a shipped model's name")
      .add("out", &out, "the file to write: .pt (TorchScript) or .tpck (inference-only checkpoint)")
      .add("simulations", &simulations,
           "AlphaZero, .tpck: the MCTS simulations per move play, eval, watch and gtp use by default (0: the "
           "run's play-simulations)");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !model.empty(), "--model is required");
  TP_CHECK_AS(UsageError, !out.empty(), "--out is required");
  const bool script = ends_with(out, ".pt");
  TP_CHECK_AS(UsageError, script || ends_with(out, ".tpck"), "--out '", printable(out),
              "': the name must end in .pt (TorchScript) or .tpck (inference-only checkpoint)");
  init_runtime(common);

  TP_CHECK_AS(UsageError, simulations >= 0, "--simulations must be >= 0");
  CheckpointReader reader(agents::agent_checkpoint(model, {}));
  Exported exported = load_and_script(reader, script, simulations);
  if (script) {
    // Written beside, then renamed: an interrupted export leaves no half file under the name.
    const std::string temp = out + ".tmp";
    try {
      exported.module.save(temp);
    } catch (const c10::Error& e) {
      std::filesystem::remove(temp);
      TP_THROW(Error, "cannot write '", printable(out), "': ", printable(e.what_without_backtrace()));
    }
    std::filesystem::rename(temp, out);
  } else {
    write_inference_copy(reader, out, exported.replaced);
  }
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(out));
  if (!common.quiet) {
    if (script)
      std::printf("wrote %s (%.1f KiB): %s\n", out.c_str(), bytes / 1024.0, exported.contract.c_str());
    else
      std::printf("wrote %s (%.1f KiB, %s): plays as %s does%s, cannot resume training\n", out.c_str(), bytes / 1024.0,
                  reader.header().algorithm.c_str(), reader.path().c_str(),
                  simulations > 0 ? (" with " + std::to_string(simulations) + " simulations per move").c_str() : "");
  }
  if (common.json) {
    Json j = Json::object();
    j["model"] = reader.path();
    j["out"] = out;
    j["bytes"] = bytes;
    j["format"] = script ? "torchscript" : "checkpoint";
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace tp::app
