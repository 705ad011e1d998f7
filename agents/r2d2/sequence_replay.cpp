#include "agents/r2d2/sequence_replay.h"

#include <algorithm>
#include <cmath>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents::r2d2 {

SequenceBuilder::SequenceBuilder(int64_t obs_size, int64_t state_size, int64_t length)
    : obs_size_(obs_size), state_size_(state_size), length_(length) {
  TP_CHECK(length >= 2, "sequences need at least 2 steps");
}

std::vector<Sequence> SequenceBuilder::add(const float* obs, const float* h, const float* c, int64_t action,
                                           float reward, const float* next_obs, bool terminated, bool truncated) {
  steps_.push_back({std::vector<float>(obs, obs + obs_size_), std::vector<float>(h, h + state_size_),
                    std::vector<float>(c, c + state_size_), action, reward});
  ++fresh_;
  std::vector<Sequence> out;
  if (terminated || truncated) {
    if (fresh_ > 0) out.push_back(make(next_obs, terminated));
    steps_.clear();
    fresh_ = 0;
  } else if (static_cast<int64_t>(steps_.size()) == length_) {
    out.push_back(make(next_obs, false));
    // Overlap m/2: the next sequence starts half-way into this one.
    for (int64_t k = 0; k < length_ / 2; ++k) steps_.pop_front();
    fresh_ = 0;
  }
  return out;
}

Sequence SequenceBuilder::make(const float* next_obs, bool terminal) const {
  Sequence s;
  s.length = static_cast<int64_t>(steps_.size());
  s.terminal = terminal;
  s.obs.assign(static_cast<size_t>((length_ + 1) * obs_size_), 0.0f);
  s.actions.assign(static_cast<size_t>(length_), 0);
  s.rewards.assign(static_cast<size_t>(length_), 0.0f);
  for (int64_t t = 0; t < s.length; ++t) {
    const Step& st = steps_[static_cast<size_t>(t)];
    std::copy(st.obs.begin(), st.obs.end(), s.obs.begin() + t * obs_size_);
    s.actions[static_cast<size_t>(t)] = st.action;
    s.rewards[static_cast<size_t>(t)] = st.reward;
  }
  std::copy(next_obs, next_obs + obs_size_, s.obs.begin() + s.length * obs_size_);
  s.h = steps_.front().h;
  s.c = steps_.front().c;
  return s;
}

std::vector<double> SequenceBuilder::state() const {
  std::vector<double> d = {static_cast<double>(steps_.size()), static_cast<double>(fresh_)};
  for (const Step& s : steps_) {
    d.insert(d.end(), s.obs.begin(), s.obs.end());
    d.insert(d.end(), s.h.begin(), s.h.end());
    d.insert(d.end(), s.c.begin(), s.c.end());
    d.push_back(static_cast<double>(s.action));
    d.push_back(s.reward);
  }
  return d;
}

void SequenceBuilder::set_state(const std::vector<double>& d) {
  TP_CHECK(d.size() >= 2, "malformed sequence builder state");
  const auto n = static_cast<int64_t>(d[0]);
  const size_t per = static_cast<size_t>(obs_size_ + 2 * state_size_ + 2);
  TP_CHECK(n >= 0 && n < length_ && d.size() == 2 + static_cast<size_t>(n) * per && d[1] >= 0 && d[1] <= d[0],
           "malformed sequence builder state");
  steps_.clear();
  fresh_ = static_cast<int64_t>(d[1]);
  size_t at = 2;
  auto take = [&](int64_t k) {
    std::vector<float> v(d.begin() + static_cast<std::ptrdiff_t>(at),
                         d.begin() + static_cast<std::ptrdiff_t>(at + static_cast<size_t>(k)));
    at += static_cast<size_t>(k);
    return v;
  };
  for (int64_t i = 0; i < n; ++i) {
    Step s;
    s.obs = take(obs_size_);
    s.h = take(state_size_);
    s.c = take(state_size_);
    s.action = static_cast<int64_t>(d[at++]);
    s.reward = static_cast<float>(d[at++]);
    steps_.push_back(std::move(s));
  }
}

SequenceBatch stack_sequences(const std::vector<Sequence>& seqs, int64_t length, int64_t obs_size, int64_t state_size) {
  const auto n = static_cast<int64_t>(seqs.size());
  SequenceReplay stack(std::max<int64_t>(n, 1), length, obs_size, state_size);
  std::vector<int64_t> slots;
  for (const Sequence& s : seqs) slots.push_back(stack.add(s));
  return stack.gather(slots);
}

SequenceReplay::SequenceReplay(int64_t capacity, int64_t length, int64_t obs_size, int64_t state_size)
    : capacity_(capacity), length_(length), obs_size_(obs_size), state_size_(state_size) {
  TP_CHECK(capacity > 0, "replay capacity must be > 0");
  obs_ = torch::zeros({capacity, length + 1, obs_size});
  actions_ = torch::zeros({capacity, length}, torch::kInt64);
  rewards_ = torch::zeros({capacity, length});
  lengths_ = torch::zeros({capacity}, torch::kInt64);
  terminal_ = torch::zeros({capacity});
  h_ = torch::zeros({capacity, state_size});
  c_ = torch::zeros({capacity, state_size});
}

int64_t SequenceReplay::add(const Sequence& s) {
  TP_CHECK(static_cast<int64_t>(s.obs.size()) == (length_ + 1) * obs_size_ &&
               static_cast<int64_t>(s.actions.size()) == length_ && static_cast<int64_t>(s.rewards.size()) == length_ &&
               static_cast<int64_t>(s.h.size()) == state_size_ && static_cast<int64_t>(s.c.size()) == state_size_ &&
               s.length >= 1 && s.length <= length_,
           "a sequence does not have the replay's shapes");
  const int64_t i = next_;
  std::copy(s.obs.begin(), s.obs.end(), obs_[i].data_ptr<float>());
  std::copy(s.actions.begin(), s.actions.end(), actions_[i].data_ptr<int64_t>());
  std::copy(s.rewards.begin(), s.rewards.end(), rewards_[i].data_ptr<float>());
  lengths_.data_ptr<int64_t>()[i] = s.length;
  terminal_.data_ptr<float>()[i] = s.terminal ? 1.0f : 0.0f;
  std::copy(s.h.begin(), s.h.end(), h_[i].data_ptr<float>());
  std::copy(s.c.begin(), s.c.end(), c_[i].data_ptr<float>());
  next_ = (next_ + 1) % capacity_;
  size_ = std::min(size_ + 1, capacity_);
  return i;
}

SequenceBatch SequenceReplay::gather(const std::vector<int64_t>& slots) const {
  const torch::Tensor idx = torch::tensor(slots, torch::kInt64);
  SequenceBatch b;
  b.obs = obs_.index_select(0, idx).transpose(0, 1).contiguous();
  b.actions = actions_.index_select(0, idx).transpose(0, 1).contiguous();
  b.rewards = rewards_.index_select(0, idx).transpose(0, 1).contiguous();
  b.lengths = lengths_.index_select(0, idx);
  b.terminal = terminal_.index_select(0, idx);
  b.state = {h_.index_select(0, idx).unsqueeze(0), c_.index_select(0, idx).unsqueeze(0)};
  return b;
}

void SequenceReplay::save(CheckpointWriter& w, const std::string& p) const {
  w.add_tensor(p + "obs", obs_);
  w.add_tensor(p + "actions", actions_);
  w.add_tensor(p + "rewards", rewards_);
  w.add_tensor(p + "lengths", lengths_);
  w.add_tensor(p + "terminal", terminal_);
  w.add_tensor(p + "h", h_);
  w.add_tensor(p + "c", c_);
  w.add_tensor(p + "cursor", torch::tensor({next_, size_}, torch::kInt64));
}

void SequenceReplay::load(CheckpointReader& r, const std::string& p) {
  auto read = [&](const std::string& key, torch::Tensor& into) {
    torch::Tensor t = r.tensor(p + key);
    TP_CHECK_AS(CheckpointError, t.scalar_type() == into.scalar_type() && t.sizes() == into.sizes(), "checkpoint '",
                r.path(), "': replay ", key, " does not match the replay settings");
    into.copy_(t);
  };
  read("obs", obs_);
  read("actions", actions_);
  read("rewards", rewards_);
  read("lengths", lengths_);
  read("terminal", terminal_);
  read("h", h_);
  read("c", c_);
  torch::Tensor cur = r.tensor(p + "cursor");
  TP_CHECK_AS(CheckpointError, cur.scalar_type() == torch::kInt64 && cur.numel() == 2, "checkpoint '", r.path(),
              "': malformed replay cursor");
  next_ = cur[0].item<int64_t>();
  size_ = cur[1].item<int64_t>();
  TP_CHECK_AS(CheckpointError, next_ >= 0 && next_ < capacity_ && size_ >= 0 && size_ <= capacity_, "checkpoint '",
              r.path(), "': replay cursor out of range");
  const int64_t* len = lengths_.data_ptr<int64_t>();
  for (int64_t i = 0; i < size_; ++i)
    TP_CHECK_AS(CheckpointError, len[i] >= 1 && len[i] <= length_, "checkpoint '", r.path(),
                "': replay sequence length out of range");
}

}  // namespace tp::agents::r2d2
