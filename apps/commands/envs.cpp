#include <iostream>

#include "apps/commands.h"
#include "core/options.h"
#include "envs/games/game_registry.h"
#include "envs/registry.h"

namespace tp::app {

int cmd_envs(const Args& args) {
  OptionSet set("torchplay envs");
  if (!set.parse(args)) return 0;
  const auto registry = envs::make_env_registry();
  std::cout << "Environments (torchplay train dqn --env NAME for discrete actions, eval/watch --env NAME):\n";
  for (const auto& id : registry.ids()) {
    auto env = registry.make(id);
    const envs::BoxSpace* box = env->continuous_action_space();
    std::cout << "  " << id << "\n"
              << "      " << registry.spec(id).description << "\n"
              << "      observation " << env->observation_space().to_string() << ", action "
              << (box ? box->to_string() : env->action_space().to_string()) << ", time limit "
              << (env->max_episode_steps() == envs::Env::kNoTimeLimit ? std::string("none")
                                                                      : std::to_string(env->max_episode_steps()))
              << "\n";
  }
  const auto games = envs::make_game_registry();
  std::cout << "\nBoard games (torchplay train alphazero --game NAME, eval --game NAME):\n";
  for (const auto& name : games.names()) {
    auto g = games.make(name);
    const auto& i = g->info();
    std::cout << "  " << name << "\n      " << games.spec(name).description << "\n      board " << i.board_height << "x"
              << i.board_width << ", " << i.num_actions << " actions, " << i.num_planes << " input planes, "
              << g->num_symmetries() << " symmetries\n";
  }
  return 0;
}

}  // namespace tp::app
