#include "agents/dqn/transition_batch.h"

#include <cmath>

#include "core/byte_record.h"

namespace tp::agents::dqn {

namespace {
constexpr char kMagic[8] = {'T', 'P', 'D', 'Q', 'B', 'A', 'T', '1'};
}  // namespace

void TransitionBatch::add(const float* o, int action, float reward, const float* next, bool term, bool trunc, int n) {
  obs.insert(obs.end(), o, o + obs_size);
  next_obs.insert(next_obs.end(), next, next + obs_size);
  actions.push_back(action);
  rewards.push_back(reward);
  terminated.push_back(term ? 1 : 0);
  truncated.push_back(trunc ? 1 : 0);
  n_steps.push_back(static_cast<uint8_t>(n));
}

std::string TransitionBatch::encode() const {
  const size_t n = actions.size();
  TP_CHECK(obs.size() == n * size_t(obs_size) && next_obs.size() == obs.size() && rewards.size() == n &&
               terminated.size() == n && truncated.size() == n && n_steps.size() == n && priorities.size() == n &&
               episode_lengths.size() == episode_returns.size(),
           "a transition batch's arrays disagree in length");
  RecordWriter w;
  w.out.append(kMagic, sizeof kMagic);
  w.put<int64_t>(generation);
  w.put<int64_t>(frames);
  w.put<double>(seconds);
  w.put<int64_t>(obs_size);
  w.put<int64_t>(static_cast<int64_t>(n));
  w.put<int64_t>(static_cast<int64_t>(episode_returns.size()));
  const bool as_bytes = fits_bytes(obs.data(), obs.size()) && fits_bytes(next_obs.data(), next_obs.size());
  w.put<uint8_t>(as_bytes ? 1 : 0);
  for (const auto* v : {&obs, &next_obs}) {
    if (as_bytes)
      for (float x : *v) w.put<uint8_t>(static_cast<uint8_t>(x));
    else
      w.array(*v);
  }
  w.array(actions);
  w.array(rewards);
  w.array(terminated);
  w.array(truncated);
  w.array(n_steps);
  w.array(priorities);
  w.array(episode_returns);
  w.array(episode_lengths);
  return std::move(w.out);
}

TransitionBatch TransitionBatch::decode(const std::string& bytes, int64_t obs_size, int num_actions, int max_n,
                                        const std::string& origin) {
  RecordReader r(bytes, "transition batch from " + origin);
  r.expect_marker(kMagic, sizeof kMagic);
  TransitionBatch b;
  b.generation = r.get<int64_t>();
  b.frames = r.get<int64_t>();
  b.seconds = r.get<double>();
  b.obs_size = r.get<int64_t>();
  const int64_t n = r.get<int64_t>(), episodes = r.get<int64_t>();
  const uint8_t as_bytes = r.get<uint8_t>();
  if (b.obs_size != obs_size)
    r.fail("its observations have " + std::to_string(b.obs_size) + " values, this env's " + std::to_string(obs_size));
  if (b.generation < 0 || b.frames < 0 || !(b.seconds >= 0) || n < 0 || episodes < 0) r.fail("negative counts");
  if (as_bytes > 1) r.fail("unknown observation encoding");
  const size_t per = size_t(obs_size) * 2 * (as_bytes ? 1 : 4) + 4 + 4 + 3 + 4;
  if (size_t(n) > r.left() / per || size_t(episodes) > r.left() / 8) r.fail("it ends early");
  if (r.left() != size_t(n) * per + size_t(episodes) * 8)
    r.fail("it holds " + std::to_string(r.left()) + " bytes for " + std::to_string(n) + " transitions and " +
           std::to_string(episodes) + " episodes");
  for (auto* v : {&b.obs, &b.next_obs}) {
    if (as_bytes)
      r.byte_floats(*v, size_t(n * obs_size));
    else
      r.array(*v, size_t(n * obs_size));
  }
  r.array(b.actions, size_t(n));
  r.array(b.rewards, size_t(n));
  r.array(b.terminated, size_t(n));
  r.array(b.truncated, size_t(n));
  r.array(b.n_steps, size_t(n));
  r.array(b.priorities, size_t(n));
  r.array(b.episode_returns, size_t(episodes));
  r.array(b.episode_lengths, size_t(episodes));
  for (float v : b.obs)
    if (!std::isfinite(v)) r.fail("an observation is not finite");
  for (float v : b.next_obs)
    if (!std::isfinite(v)) r.fail("an observation is not finite");
  for (int64_t i = 0; i < n; ++i) {
    if (b.actions[i] < 0 || b.actions[i] >= num_actions)
      r.fail("an action outside 0.." + std::to_string(num_actions - 1));
    if (!std::isfinite(b.rewards[i])) r.fail("a reward is not finite");
    if (b.terminated[i] > 1 || b.truncated[i] > 1) r.fail("an end flag is neither 0 nor 1");
    if (b.n_steps[i] < 1 || b.n_steps[i] > max_n) r.fail("an n-step length outside 1.." + std::to_string(max_n));
    if (!(b.priorities[i] >= 0) || !std::isfinite(b.priorities[i])) r.fail("a priority is negative or not finite");
  }
  for (int64_t e = 0; e < episodes; ++e)
    if (!std::isfinite(b.episode_returns[e]) || b.episode_lengths[e] < 1) r.fail("an episode's return or length");
  return b;
}

}  // namespace tp::agents::dqn
