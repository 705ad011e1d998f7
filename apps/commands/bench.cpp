// `torchplay bench`: env throughput with random actions (envs/throughput.h), one line per env.
#include <cstdio>
#include <sstream>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "envs/registry.h"
#include "envs/throughput.h"

namespace tp::app {

namespace {

std::vector<int> parse_int_list(const std::string& text, const std::string& option) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    TP_CHECK_AS(UsageError, !item.empty() && end && *end == '\0' && v >= 1 && v <= 1024, "--", option,
                " needs a comma-separated list of integers in [1, 1024], got '", text, "'");
    out.push_back(static_cast<int>(v));
  }
  TP_CHECK_AS(UsageError, !out.empty(), "--", option, " is empty");
  return out;
}

}  // namespace

int cmd_bench(const Args& args) {
  CommonOptions common;
  std::string what = "envs";
  std::string env_id;
  double seconds = 1.0;
  int num_envs = 64;
  std::string vec_threads = "1,2";
  OptionSet set("torchplay bench [--what envs|vecenv|all] [options]");
  set.add("what", &what, "what to measure: envs (raw single-env steps/s, one core), vecenv (VecEnv batches), all")
      .add("env", &env_id,
           "measure this env only (default: every registered env; vecenv: CartPole-v1, "
           "MinAtar/Breakout-v1, MinAtar/Seaquest-v1)")
      .add("seconds", &seconds, "measuring time per item")
      .add("num-envs", &num_envs, "vecenv: copies per VecEnv")
      .add("vec-threads", &vec_threads, "vecenv: comma-separated worker-thread counts to measure");
  common.bind(set, /*with_device=*/false);  // no network runs here
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, seconds > 0, "--seconds must be > 0");
  TP_CHECK_AS(UsageError, what == "envs" || what == "vecenv" || what == "all", "unknown benchmark '", what,
              "' (envs, vecenv, all)");
  TP_CHECK_AS(UsageError, num_envs >= 1 && num_envs <= 65536, "--num-envs must be in [1, 65536]");
  const std::vector<int> thread_counts = parse_int_list(vec_threads, "vec-threads");
  const auto registry = envs::make_env_registry();
  std::vector<std::string> ids = registry.ids();
  if (!env_id.empty()) {
    registry.spec(env_id);  // UsageError listing the known names
    ids = {env_id};
  }
  Json j = Json::object();
  j["benchmark"] = what;
  if (what == "envs" || what == "all") {
    Json wall = Json::object(), cpu = Json::object();
    std::printf("%-28s %14s %18s\n", "env (single, random actions)", "steps/s", "steps/CPU-second");
    for (const auto& id : ids) {
      auto env = registry.make(id);
      const envs::StepRate r = envs::env_step_rate(*env, seconds, common.seed);
      std::printf("%-28s %14.0f %18.0f\n", id.c_str(), r.per_second, r.per_cpu_second);
      std::fflush(stdout);
      wall[id] = r.per_second;
      cpu[id] = r.per_cpu_second;
    }
    j["steps_per_second"] = wall;
    j["steps_per_cpu_second"] = cpu;
  }
  if (what == "vecenv" || what == "all") {
    const std::vector<std::string> vec_ids =
        env_id.empty() ? std::vector<std::string>{"CartPole-v1", "MinAtar/Breakout-v1", "MinAtar/Seaquest-v1"} : ids;
    Json vec = Json::object();
    for (const auto& id : vec_ids) {
      auto proto = registry.make(id);
      for (int threads : thread_counts) {
        const double sps = envs::vec_env_steps_per_second(*proto, num_envs, threads, seconds, common.seed);
        const std::string key = id + " x" + std::to_string(num_envs) + " threads=" + std::to_string(threads);
        std::printf("VecEnv %-40s %14.0f env steps/s\n", key.c_str(), sps);
        std::fflush(stdout);
        vec[key] = sps;
      }
    }
    j["vec_env_steps_per_second"] = vec;
  }
  if (common.json) print_json_line(j.dump());
  return 0;
}

}  // namespace tp::app
