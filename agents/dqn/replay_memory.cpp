#include "agents/dqn/replay_memory.h"

#include <torch/torch.h>

#include <array>
#include <cmath>
#include <cstring>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents::dqn {

namespace {
// Bit b of a byte -> 8 floats, so decoding a packed plane is one 32-byte copy per byte.
const std::array<std::array<float, 8>, 256>& bit_table() {
  static const auto table = [] {
    std::array<std::array<float, 8>, 256> t{};
    for (int v = 0; v < 256; ++v)
      for (int b = 0; b < 8; ++b) t[v][b] = static_cast<float>((v >> b) & 1);
    return t;
  }();
  return table;
}

template <class T>
torch::Tensor vector_tensor(const std::vector<T>& v, torch::ScalarType type) {
  return torch::from_blob(const_cast<T*>(v.data()), {static_cast<int64_t>(v.size())}, type).clone();
}
template <class T>
void load_vector(CheckpointReader& r, const std::string& key, std::vector<T>& v, torch::ScalarType type) {
  torch::Tensor t = r.tensor(key);
  TP_CHECK_AS(CheckpointError, t.scalar_type() == type && t.numel() == static_cast<int64_t>(v.size()), "checkpoint '",
              r.path(), "': replay entry '", key, "' does not match this replay memory");
  std::memcpy(v.data(), t.data_ptr(), v.size() * sizeof(T));
}
}  // namespace

ObsStorage parse_obs_storage(const std::string& name) {
  if (name == "float") return ObsStorage::Float;
  if (name == "byte") return ObsStorage::Byte;
  if (name == "bit") return ObsStorage::Bit;
  TP_THROW(UsageError, "unknown observation storage '", name, "' (float, byte, bit)");
}

std::string to_string(ObsStorage s) {
  switch (s) {
    case ObsStorage::Float:
      return "float";
    case ObsStorage::Byte:
      return "byte";
    case ObsStorage::Bit:
      return "bit";
  }
  return "?";
}

ReplayBatch::ReplayBatch(int64_t batch_size, const std::vector<int64_t>& obs_shape) {
  std::vector<int64_t> shape{batch_size};
  shape.insert(shape.end(), obs_shape.begin(), obs_shape.end());
  obs = torch::zeros(shape);
  next_obs = torch::zeros(shape);
  actions = torch::zeros({batch_size}, torch::kInt64);
  rewards = torch::zeros({batch_size});
  terminated = torch::zeros({batch_size});
  truncated = torch::zeros({batch_size});
  n_steps = torch::ones({batch_size});
  weights = torch::ones({batch_size});
  indices.assign(static_cast<size_t>(batch_size), 0);
}

ReplayMemory::ReplayMemory(int64_t capacity, std::vector<int64_t> obs_shape, ObsStorage storage)
    : capacity_(capacity), obs_shape_(std::move(obs_shape)), storage_(storage) {
  TP_CHECK_AS(UsageError, capacity_ > 0, "replay capacity must be > 0");
  obs_size_ = 1;
  for (int64_t d : obs_shape_) obs_size_ *= d;
  obs_bytes_ = storage_ == ObsStorage::Float  ? obs_size_ * 4
               : storage_ == ObsStorage::Byte ? obs_size_
                                              : (obs_size_ + 7) / 8;
  const auto n = static_cast<size_t>(capacity_);
  obs_.assign(n * static_cast<size_t>(obs_bytes_), 0);
  next_obs_.assign(n * static_cast<size_t>(obs_bytes_), 0);
  actions_.assign(n, 0);
  rewards_.assign(n, 0.0f);
  terminated_.assign(n, 0);
  truncated_.assign(n, 0);
  n_steps_.assign(n, 1);
}

int64_t ReplayMemory::bytes_per_transition() const {
  return 2 * obs_bytes_ + static_cast<int64_t>(sizeof(int32_t) + sizeof(float) + 3);
}

void ReplayMemory::encode(const float* obs, uint8_t* out) const {
  switch (storage_) {
    case ObsStorage::Float:
      std::memcpy(out, obs, static_cast<size_t>(obs_size_) * sizeof(float));
      return;
    case ObsStorage::Byte:
      for (int64_t i = 0; i < obs_size_; ++i) {
        const float v = obs[i];
        TP_CHECK(v >= 0.0f && v <= 255.0f && v == std::floor(v), "observation value ", v,
                 " cannot be stored as a byte (use --obs-storage float)");
        out[i] = static_cast<uint8_t>(v);
      }
      return;
    case ObsStorage::Bit:
      std::memset(out, 0, static_cast<size_t>(obs_bytes_));
      for (int64_t i = 0; i < obs_size_; ++i) {
        const float v = obs[i];
        TP_CHECK(v == 0.0f || v == 1.0f, "observation value ", v,
                 " cannot be stored as a bit (use --obs-storage byte or float)");
        if (v != 0.0f) out[i >> 3] = static_cast<uint8_t>(out[i >> 3] | (1u << (i & 7)));
      }
      return;
  }
}

void ReplayMemory::decode(const uint8_t* in, float* out) const {
  switch (storage_) {
    case ObsStorage::Float:
      std::memcpy(out, in, static_cast<size_t>(obs_size_) * sizeof(float));
      return;
    case ObsStorage::Byte:
      for (int64_t i = 0; i < obs_size_; ++i) out[i] = static_cast<float>(in[i]);
      return;
    case ObsStorage::Bit: {
      const auto& table = bit_table();
      const int64_t full = obs_size_ / 8;
      for (int64_t b = 0; b < full; ++b) std::memcpy(out + 8 * b, table[in[b]].data(), 8 * sizeof(float));
      for (int64_t i = full * 8; i < obs_size_; ++i) out[i] = static_cast<float>((in[i >> 3] >> (i & 7)) & 1);
      return;
    }
  }
}

int64_t ReplayMemory::add(const Transition& t) {
  TP_CHECK(t.n_steps >= 1 && t.n_steps <= 255, "n-step count out of range: ", t.n_steps);
  const int64_t slot = next_;
  const auto s = static_cast<size_t>(slot);
  encode(t.obs, obs_.data() + s * static_cast<size_t>(obs_bytes_));
  encode(t.next_obs, next_obs_.data() + s * static_cast<size_t>(obs_bytes_));
  actions_[s] = t.action;
  rewards_[s] = t.reward;
  terminated_[s] = t.terminated ? 1 : 0;
  truncated_[s] = t.truncated ? 1 : 0;
  n_steps_[s] = static_cast<uint8_t>(t.n_steps);
  next_ = (next_ + 1) % capacity_;
  if (size_ < capacity_) ++size_;
  return slot;
}

void ReplayMemory::sample_uniform(Rng& rng, ReplayBatch& batch) const {
  TP_CHECK(size_ > 0, "cannot sample from an empty replay memory");
  for (auto& i : batch.indices) i = rng.below(static_cast<uint32_t>(size_));
}

void ReplayMemory::gather(ReplayBatch& batch) const {
  float* obs = batch.obs.data_ptr<float>();
  float* next = batch.next_obs.data_ptr<float>();
  int64_t* act = batch.actions.data_ptr<int64_t>();
  float* rew = batch.rewards.data_ptr<float>();
  float* term = batch.terminated.data_ptr<float>();
  float* trunc = batch.truncated.data_ptr<float>();
  float* n = batch.n_steps.data_ptr<float>();
  for (size_t b = 0; b < batch.indices.size(); ++b) {
    const int64_t i = batch.indices[b];
    TP_CHECK(i >= 0 && i < size_, "replay index ", i, " out of range (size ", size_, ")");
    const auto s = static_cast<size_t>(i);
    decode(obs_.data() + s * static_cast<size_t>(obs_bytes_), obs + static_cast<int64_t>(b) * obs_size_);
    decode(next_obs_.data() + s * static_cast<size_t>(obs_bytes_), next + static_cast<int64_t>(b) * obs_size_);
    act[b] = actions_[s];
    rew[b] = rewards_[s];
    term[b] = terminated_[s];
    trunc[b] = truncated_[s];
    n[b] = n_steps_[s];
  }
}

std::vector<float> ReplayMemory::observation(int64_t index, bool next) const {
  TP_CHECK(index >= 0 && index < size_, "replay index ", index, " out of range");
  std::vector<float> out(static_cast<size_t>(obs_size_));
  const auto& src = next ? next_obs_ : obs_;
  decode(src.data() + static_cast<size_t>(index * obs_bytes_), out.data());
  return out;
}

void ReplayMemory::save(CheckpointWriter& w, const std::string& p) const {
  w.add_tensor(p + "cursor", torch::tensor({capacity_, next_, size_, static_cast<int64_t>(storage_)}, torch::kInt64));
  w.add_tensor(p + "obs", vector_tensor(obs_, torch::kUInt8));
  w.add_tensor(p + "next_obs", vector_tensor(next_obs_, torch::kUInt8));
  w.add_tensor(p + "actions", vector_tensor(actions_, torch::kInt32));
  w.add_tensor(p + "rewards", vector_tensor(rewards_, torch::kFloat32));
  w.add_tensor(p + "terminated", vector_tensor(terminated_, torch::kUInt8));
  w.add_tensor(p + "truncated", vector_tensor(truncated_, torch::kUInt8));
  w.add_tensor(p + "n_steps", vector_tensor(n_steps_, torch::kUInt8));
}

void ReplayMemory::load(CheckpointReader& r, const std::string& p) {
  const torch::Tensor cursor = r.tensor(p + "cursor");
  TP_CHECK_AS(CheckpointError,
              cursor.scalar_type() == torch::kInt64 && cursor.numel() == 4 && cursor[0].item<int64_t>() == capacity_ &&
                  cursor[3].item<int64_t>() == static_cast<int64_t>(storage_),
              "checkpoint '", r.path(), "': the saved replay memory has another capacity or storage");
  // The ring's cursors, checked before any index uses them: size in [0, capacity], the next
  // slot inside the ring, and equal to the size until the ring has filled.
  const int64_t next = cursor[1].item<int64_t>(), size = cursor[2].item<int64_t>();
  TP_CHECK_AS(CheckpointError,
              size >= 0 && size <= capacity_ && next >= 0 && next < capacity_ && (size == capacity_ || next == size),
              "checkpoint '", r.path(), "': the replay memory's cursors are out of range");
  load_vector(r, p + "obs", obs_, torch::kUInt8);
  load_vector(r, p + "next_obs", next_obs_, torch::kUInt8);
  load_vector(r, p + "actions", actions_, torch::kInt32);
  load_vector(r, p + "rewards", rewards_, torch::kFloat32);
  load_vector(r, p + "terminated", terminated_, torch::kUInt8);
  load_vector(r, p + "truncated", truncated_, torch::kUInt8);
  load_vector(r, p + "n_steps", n_steps_, torch::kUInt8);
  for (size_t i = 0; i < static_cast<size_t>(size); ++i)
    TP_CHECK_AS(CheckpointError, actions_[i] >= 0 && n_steps_[i] >= 1, "checkpoint '", r.path(),
                "': the replay memory holds a negative action or an empty n-step return");
  next_ = next;
  size_ = size;
}

}  // namespace tp::agents::dqn
