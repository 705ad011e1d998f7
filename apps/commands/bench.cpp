#include <cstdio>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/rng.h"
#include "core/timer.h"
#include "envs/registry.h"

namespace tp::app {

namespace {
// Raw env throughput: random actions, reset on episode end, observation written every step.
double env_steps_per_second(envs::Env& env, double seconds, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> obs(static_cast<size_t>(env.observation_space().size()));
  const uint32_t n = static_cast<uint32_t>(env.action_space().n);
  env.reset(seed);
  int64_t steps = 0;
  Timer timer;
  double elapsed = 0;
  while (true) {
    for (int i = 0; i < 4096; ++i) {
      if (env.step(static_cast<int>(rng.below(n))).done()) env.reset();
      env.observe(obs.data());
    }
    steps += 4096;
    elapsed = timer.seconds();
    if (elapsed >= seconds) break;
  }
  return static_cast<double>(steps) / elapsed;
}
}  // namespace

int cmd_bench(const Args& args) {
  CommonOptions common;
  std::string what = "envs";
  double seconds = 1.0;
  OptionSet set("torchplay bench [--what envs] [options]");
  set.add("what", &what, "what to measure: envs (raw single-env steps/s, one core)")
      .add("seconds", &seconds, "measuring time per item");
  common.add_to(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, seconds > 0, "--seconds must be > 0");
  TP_CHECK_AS(UsageError, what == "envs", "unknown benchmark '", what, "' (envs)");
  Json results = Json::object();
  const auto registry = envs::make_env_registry();
  for (const auto& id : registry.ids()) {
    auto env = registry.make(id);
    const double sps = env_steps_per_second(*env, seconds, common.seed);
    std::printf("%-28s %12.0f steps/s\n", id.c_str(), sps);
    std::fflush(stdout);
    results.set(id, sps);
  }
  if (common.json) {
    Json j = Json::object();
    j.set("benchmark", what);
    j.set("steps_per_second", results);
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace tp::app
