#include "agents/r2d2/actor_sequences.h"

#include <cmath>

#include "core/byte_record.h"

namespace tp::agents::r2d2 {

namespace {
constexpr char kMagic[8] = {'T', 'P', 'R', '2', 'S', 'E', 'Q', '1'};

bool all_finite(const std::vector<float>& v) {
  for (float x : v)
    if (!std::isfinite(x)) return false;
  return true;
}
}  // namespace

std::string ActorSequences::encode() const {
  TP_CHECK(priorities.size() == sequences.size(), "one priority per sequence");
  bool as_bytes = true;
  for (const Sequence& s : sequences) {
    TP_CHECK(static_cast<int64_t>(s.obs.size()) == (seq_length + 1) * obs_size &&
                 static_cast<int64_t>(s.actions.size()) == seq_length &&
                 static_cast<int64_t>(s.rewards.size()) == seq_length &&
                 static_cast<int64_t>(s.h.size()) == state_size && static_cast<int64_t>(s.c.size()) == state_size,
             "a sequence does not have its batch's shapes");
    as_bytes = as_bytes && fits_bytes(s.obs.data(), s.obs.size());
  }
  RecordWriter w;
  w.out.append(kMagic, sizeof kMagic);
  w.put<int64_t>(generation);
  w.put<int64_t>(frames);
  w.put<double>(seconds);
  w.put<int64_t>(seq_length);
  w.put<int64_t>(obs_size);
  w.put<int64_t>(state_size);
  w.put<int64_t>(static_cast<int64_t>(sequences.size()));
  w.put<int64_t>(static_cast<int64_t>(episodes.size()));
  w.put<uint8_t>(as_bytes ? 1 : 0);
  for (const Sequence& s : sequences) {
    w.put<int32_t>(static_cast<int32_t>(s.length));
    w.put<uint8_t>(s.terminal ? 1 : 0);
    if (as_bytes)
      for (float x : s.obs) w.put<uint8_t>(static_cast<uint8_t>(x));
    else
      w.array(s.obs);
    for (int64_t a : s.actions) w.put<int32_t>(static_cast<int32_t>(a));
    w.array(s.rewards);
    w.array(s.h);
    w.array(s.c);
  }
  w.array(priorities);
  for (const FinishedEpisode& e : episodes) {
    w.put<int32_t>(e.actor);
    w.put<double>(e.episode_return);
    w.put<int64_t>(e.length);
  }
  return std::move(w.out);
}

ActorSequences ActorSequences::decode(const std::string& bytes, int64_t seq_length, int64_t obs_size,
                                      int64_t state_size, int num_actions, int num_envs, const std::string& origin) {
  RecordReader r(bytes, "sequence batch from " + origin);
  r.expect_marker(kMagic, sizeof kMagic);
  ActorSequences b;
  b.generation = r.get<int64_t>();
  b.frames = r.get<int64_t>();
  b.seconds = r.get<double>();
  b.seq_length = r.get<int64_t>();
  b.obs_size = r.get<int64_t>();
  b.state_size = r.get<int64_t>();
  const int64_t n = r.get<int64_t>(), episodes = r.get<int64_t>();
  const uint8_t as_bytes = r.get<uint8_t>();
  if (b.seq_length != seq_length || b.obs_size != obs_size || b.state_size != state_size)
    r.fail("its sequences are " + std::to_string(b.seq_length) + " steps of " + std::to_string(b.obs_size) +
           " values with states of " + std::to_string(b.state_size) + ", the learner's " + std::to_string(seq_length) +
           ", " + std::to_string(obs_size) + " and " + std::to_string(state_size));
  if (b.generation < 0 || b.frames < 0 || !(b.seconds >= 0) || n < 0 || episodes < 0) r.fail("negative counts");
  if (as_bytes > 1) r.fail("unknown observation encoding");
  const size_t m = size_t(seq_length), obs = size_t((seq_length + 1) * obs_size);
  const size_t per = 4 + 1 + obs * (as_bytes ? 1 : 4) + m * 8 + size_t(state_size) * 8 + 4;
  const size_t per_episode = 4 + 8 + 8;
  if (size_t(n) > r.left() / per || size_t(episodes) > r.left() / per_episode) r.fail("it ends early");
  if (r.left() != size_t(n) * per + size_t(episodes) * per_episode)
    r.fail("it holds " + std::to_string(r.left()) + " bytes for " + std::to_string(n) + " sequences and " +
           std::to_string(episodes) + " episodes");
  b.sequences.resize(size_t(n));
  std::vector<int32_t> actions;
  for (Sequence& s : b.sequences) {
    s.length = r.get<int32_t>();
    const uint8_t terminal = r.get<uint8_t>();
    if (s.length < 1 || s.length > seq_length) r.fail("a sequence length outside 1.." + std::to_string(seq_length));
    if (terminal > 1) r.fail("a terminal flag is neither 0 nor 1");
    s.terminal = terminal == 1;
    if (as_bytes)
      r.byte_floats(s.obs, obs);
    else
      r.array(s.obs, obs);
    r.array(actions, m);
    for (int32_t a : actions) {
      if (a < 0 || a >= num_actions) r.fail("an action outside 0.." + std::to_string(num_actions - 1));
      s.actions.push_back(a);
    }
    r.array(s.rewards, m);
    r.array(s.h, size_t(state_size));
    r.array(s.c, size_t(state_size));
    if (!all_finite(s.obs)) r.fail("an observation is not finite");
    if (!all_finite(s.rewards)) r.fail("a reward is not finite");
    if (!all_finite(s.h) || !all_finite(s.c)) r.fail("a recurrent state is not finite");
  }
  r.array(b.priorities, size_t(n));
  for (float p : b.priorities)
    if (!(p >= 0) || !std::isfinite(p)) r.fail("a priority is negative or not finite");
  for (int64_t e = 0; e < episodes; ++e) {
    FinishedEpisode ep;
    ep.actor = r.get<int32_t>();
    ep.episode_return = r.get<double>();
    ep.length = r.get<int64_t>();
    if (ep.actor < 0 || ep.actor >= num_envs)
      r.fail("an episode of env copy " + std::to_string(ep.actor) + ", not 0.." + std::to_string(num_envs - 1));
    if (!std::isfinite(ep.episode_return) || ep.length < 1) r.fail("an episode's return or length");
    b.episodes.push_back(ep);
  }
  return b;
}

}  // namespace tp::agents::r2d2
