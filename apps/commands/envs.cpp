#include <iostream>

#include "apps/commands.h"
#include "core/options.h"
#include "envs/registry.h"

namespace tp::app {

int cmd_envs(const Args& args) {
  OptionSet set("torchplay envs");
  if (!set.parse(args)) return 0;
  const auto registry = envs::make_env_registry();
  std::cout << "Environments (torchplay train dqn --env NAME):\n";
  for (const auto& id : registry.ids()) {
    auto env = registry.make(id);
    std::cout << "  " << id << "\n"
              << "      " << registry.spec(id).description << "\n"
              << "      observation " << env->observation_space().to_string() << ", action "
              << env->action_space().to_string() << ", time limit " << env->max_episode_steps() << "\n";
  }
  return 0;
}

}  // namespace tp::app
