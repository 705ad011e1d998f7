#include <cstdlib>
#include <cstring>
#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/text.h"

namespace tp::app {

namespace {
const char* const kGenerative[] = {"gan", "dcgan", "cgan",       "wgan-gp", "vae",   "ae",
                                   "dae", "sae",   "classifier", "pix2pix", "srgan", "cyclegan"};

void print_train_usage(std::ostream& os) {
  os << "Usage: torchplay train <algo> [options]\n\nAlgorithms:\n"
     << "  dqn         Deep Q-Network (Mnih et al. 2015) and extensions, on an env\n"
     << "  pqn         Parallel Q-learning: LayerNorm, Q(lambda), no replay or target net (Gallici et al. 2024)\n"
     << "  r2d2        R2D2 (Kapturowski et al. 2019) and DRQN: recurrent Q-learning, on an env\n"
     << "  ppo         Proximal Policy Optimization (Schulman et al. 2017), on an env\n"
     << "  a2c a3c     advantage actor-critic, synchronous and asynchronous (Mnih et al. 2016)\n"
     << "  alphazero   AlphaGo Zero self-play with MCTS, on a board game\n"
     << "  alphago-sl  AlphaGo's SL policy network on SGF game records (Silver et al. 2016, stage 1)\n"
     << "  alphago-rollout  AlphaGo's linear rollout policy on SGF game records (stage 2)\n"
     << "  alphago-rl  AlphaGo's RL policy network: REINFORCE self-play from the SL policy (stage 3)\n"
     << "  alphago-value  AlphaGo's value network on one position of each RL self-play game (stage 4)\n"
     << "  gan dcgan cgan wgan-gp vae ae dae sae   generative models on image or 2-D data\n"
     << "  classifier  the CNN whose features score image models (eval --model ... --classifier)\n"
     << "  pix2pix     image-to-image translation (Isola et al. 2017): edge map or masked image -> image\n"
     << "  srgan       4x super-resolution (Ledig et al. 2017): 7x7 -> 28x28\n"
     << "  cyclegan    unpaired translation between two groups of classes (Zhu et al. 2017)\n"
     << "\n`torchplay train <algo> --help` lists the algorithm's options and defaults.\n";
}
}  // namespace

int cmd_train(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    print_train_usage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? 2 : 0;
  }
  const std::string& algo = args[0];
  const Args rest(args.begin() + 1, args.end());
  // Under torchrun or `torchplay launch`, a trainer that cannot join the run would train alone
  // once per rank, each writing its own run: refused instead (docs/distributed.md).
  const char* world = std::getenv("WORLD_SIZE");
  const bool ranked = world && std::strcmp(world, "1") != 0 && std::strcmp(world, "") != 0;
  if (ranked &&
      (algo == "dqn" || algo == "pqn" || algo == "r2d2" || algo == "alphazero" || algo.rfind("alphago-", 0) == 0))
    TP_THROW(UsageError, "train ", algo, " does not run distributed yet (WORLD_SIZE=", printable(world),
             " is set); docs/distributed.md lists the trainers that do");
  if (algo == "dqn") return train_dqn(rest);
  if (algo == "pqn") return train_pqn(rest);
  if (algo == "r2d2") return train_r2d2(rest);
  if (algo == "alphazero") return train_alphazero(rest);
  if (algo == "alphago-sl") return train_alphago_sl(rest);
  if (algo == "alphago-rollout") return train_alphago_rollout(rest);
  if (algo == "alphago-rl") return train_alphago_rl(rest);
  if (algo == "alphago-value") return train_alphago_value(rest);
  if (algo == "ppo" || algo == "a2c" || algo == "a3c") return train_policy_gradient(algo, rest);
  for (const char* g : kGenerative)
    if (algo == g) return train_generative(algo, rest);
  if (!algo.empty() && algo[0] == '-')
    TP_THROW(UsageError, "train needs an algorithm before options, e.g. 'torchplay train dqn ", algo, "'");
  std::vector<std::string> algorithms = {
      "dqn",        "pqn",          "r2d2", "ppo", "a2c", "a3c", "alphazero", "alphago-sl", "alphago-rollout",
      "alphago-rl", "alphago-value"};
  algorithms.insert(algorithms.end(), std::begin(kGenerative), std::end(kGenerative));
  std::string known;
  for (const std::string& a : algorithms) known += (known.empty() ? "" : ", ") + a;
  TP_THROW(UsageError, "unknown algorithm '", printable(algo), "'", did_you_mean(algo, algorithms), " (", known, ")");
}

}  // namespace tp::app
