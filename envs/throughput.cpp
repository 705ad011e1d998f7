#include "envs/throughput.h"

#include <time.h>

#include <vector>

#include "core/rng.h"
#include "core/timer.h"
#include "envs/random_actions.h"
#include "envs/vec_env.h"

namespace tp::envs {

namespace {
// CPU seconds used by the calling thread.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

StepRate env_step_rate(Env& env, double seconds, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> obs(static_cast<size_t>(env.observation_space().size()));
  RandomActions actions(env);
  env.reset(seed);
  StepRate r;
  Timer timer;
  const double cpu0 = thread_cpu_seconds();
  double elapsed = 0;
  do {  // in blocks, so the clocks are read rarely
    for (int i = 0; i < 4096; ++i) {
      if (actions.step(env, rng).done()) env.reset();
      env.observe(obs.data());
    }
    r.steps += 4096;
    elapsed = timer.seconds();
  } while (elapsed < seconds);
  r.per_second = static_cast<double>(r.steps) / elapsed;
  r.per_cpu_second = static_cast<double>(r.steps) / (thread_cpu_seconds() - cpu0);
  return r;
}

double vec_env_steps_per_second(const Env& prototype, int num_envs, int threads, double seconds, uint64_t seed) {
  VecEnv vec(prototype, num_envs, threads);
  vec.reset(seed);
  Rng rng(seed);
  const uint32_t n = static_cast<uint32_t>(vec.action_space().n);
  const BoxSpace* box = vec.continuous_action_space();
  std::vector<int> actions(static_cast<size_t>(num_envs));
  std::vector<float> continuous(static_cast<size_t>(num_envs * vec.action_dim()));
  int64_t steps = 0;
  Timer timer;
  double elapsed = 0;
  do {
    for (int i = 0; i < 64; ++i) {
      if (box) {
        for (int e = 0; e < num_envs; ++e) sample_uniform(*box, rng, continuous.data() + e * vec.action_dim());
        vec.step_continuous(continuous.data());
      } else {
        for (int& a : actions) a = static_cast<int>(rng.below(n));
        vec.step(actions.data());
      }
    }
    steps += 64LL * num_envs;
    elapsed = timer.seconds();
  } while (elapsed < seconds);
  return static_cast<double>(steps) / elapsed;
}

}  // namespace tp::envs
