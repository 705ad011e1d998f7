#pragma once
// The one checkpoint format for every algorithm (docs/architecture.md, "Checkpoints").
//
// File layout:  "TPCKPT1\n" | u32 header length | u32 header CRC32 | header (JSON)
//               | u64 payload length | u32 payload CRC32 | payload
// The payload (format version 2) is one flat dictionary from names to tensors, pickled by
// torch::pickle_save: data only. (Version 1 stored LibTorch's module archive, a TorchScript
// archive whose code runs on load; it is refused.) Module parameters are entries
// "key/name", optimizer states "key/state<i>/<field>". The header is validated (magic, length,
// CRC, format version, algorithm, architecture) before any tensor is read; the payload CRC
// catches truncation and bit flips; every tensor is checked against its storage.
// Files are written atomically (temp, fsync, rename) into RUN/checkpoints/, keeping the last K.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace torch {
namespace nn {
class Module;
}
namespace optim {
class Optimizer;
}
}  // namespace torch

namespace tp {

constexpr int kCheckpointFormatVersion = 2;
// Header counter set (to 1) on a checkpoint that holds only what playing needs: the entries a
// loader for play reads, no optimizer or generator states (torchplay export, models/). Such a
// file plays, evaluates and exports; it cannot resume training.
constexpr char kInferenceOnlyCounter[] = "inference_only";

struct CheckpointHeader {
  int format_version = kCheckpointFormatVersion;
  std::string torchplay_version;
  std::string algorithm;                    // "dqn", "alphazero", "dcgan", ...
  std::string env;                          // env, game or dataset name
  std::string architecture;                 // network signature; a mismatch is refused on load
  std::string config;                       // the full resolved config.ini text
  std::map<std::string, int64_t> counters;  // steps, episodes, iterations, ...

  int64_t counter(const std::string& name) const;  // throws CheckpointError when missing
};

class CheckpointWriter {
 public:
  explicit CheckpointWriter(CheckpointHeader header);
  CheckpointHeader& header() { return header_; }

  void add_module(const std::string& key, const torch::nn::Module& module);
  void add_optimizer(const std::string& key, const torch::optim::Optimizer& optimizer);
  void add_tensor(const std::string& key, const torch::Tensor& tensor);
  void add_bytes(const std::string& key, const std::string& bytes);
  void add_rng(const std::string& key, const Rng& rng);
  // LibTorch's default CPU generator (dropout, init, randn in training code).
  void add_torch_rng(const std::string& key);

  // The file image (header and payload), e.g. to keep a state in memory and write it later.
  std::string encode() const;
  // Atomic write to `path` (temp file + fsync + rename).
  void write(const std::string& path) const;

 private:
  void put(const std::string& key, torch::Tensor tensor);

  CheckpointHeader header_;
  std::vector<std::pair<std::string, torch::Tensor>> entries_;
};

class CheckpointReader {
 public:
  // Validates the header only (cheap): magic, sizes, header CRC, format version.
  static CheckpointHeader read_header(const std::string& path);
  // Reads and validates the whole file (header and payload CRC).
  explicit CheckpointReader(const std::string& path);
  // The same checks on a file image (CheckpointWriter::encode(), received from another
  // process); `origin` names it in errors.
  static CheckpointReader from_image(const std::string& image, const std::string& origin);

  const CheckpointHeader& header() const { return header_; }
  const std::string& path() const { return path_; }
  // Refuses a checkpoint of another algorithm or network architecture (empty: not checked).
  void expect(const std::string& algorithm, const std::string& architecture = "") const;

  void load_module(const std::string& key, torch::nn::Module& module);
  void load_optimizer(const std::string& key, torch::optim::Optimizer& optimizer);
  torch::Tensor tensor(const std::string& key);
  // The values of the tensor at `key` as doubles (state vectors: env states, statistics).
  std::vector<double> doubles(const std::string& key);
  std::string bytes(const std::string& key);
  // Runs `read`, which interprets this file's entries (a network spec, an env state); a
  // tp::Error it throws becomes a CheckpointError naming the file.
  template <class Read>
  auto interpret(Read&& read) const -> decltype(read());
  bool has(const std::string& key);
  // Optimizer and generator states are training state: in an inference-only checkpoint they are
  // absent, and these three leave the optimizer or generator as it is.
  void load_rng(const std::string& key, Rng& rng);
  void load_torch_rng(const std::string& key);
  bool inference_only() const;

  // write_inference_copy keeps the entries read so far other than training state (optimizers,
  // generators): what a loader for play needed.
  friend void write_inference_copy(const CheckpointReader& reader, const std::string& path,
                                   const std::map<std::string, std::string>& replaced_bytes);

 private:
  CheckpointReader() = default;
  void parse(const std::string& data);  // header, checksums, payload: the entries
  [[noreturn]] void fail(const std::string& what) const;
  const torch::Tensor* find(const std::string& key) const;
  std::string path_;
  CheckpointHeader header_;
  std::map<std::string, torch::Tensor> entries_;
  mutable std::set<std::string> read_;
  bool recording_ = true;  // off while optimizer and generator states are read
};

// Writes to `path` (atomically) a checkpoint with `reader`'s header, marked inference-only,
// and only the entries read from it so far: run a loader for play on `reader` first.
// `replaced_bytes`: new contents for byte entries the loader read (export --simulations
// rewrites an AlphaZero player's search budget); a key that was not read is an error.
void write_inference_copy(const CheckpointReader& reader, const std::string& path,
                          const std::map<std::string, std::string>& replaced_bytes = {});

template <class Read>
auto CheckpointReader::interpret(Read&& read) const -> decltype(read()) {
  try {
    return read();
  } catch (const CheckpointError&) {
    throw;
  } catch (const Error& e) {
    fail(e.what());
  }
}

// A digest of the state `fill` adds to a writer (its encoded image): what distributed replicas
// compare to check that they hold the same networks and optimizers (replica_digest).
uint64_t state_digest(const std::function<void(CheckpointWriter&)>& fill);

// The check every tensor read back passes (a crafted payload can describe a tensor its storage
// does not hold, or a shifted view of it): contiguous, from offset 0, and exactly as large as
// its storage, as the writer stores every tensor.
bool fits_its_storage(const torch::Tensor& t);

// The checkpoints/ folder of a run: numbered files, the last `keep` retained.
class CheckpointStore {
 public:
  CheckpointStore(std::string dir, int keep);
  // Writes ckpt-<step>.tpck atomically, then deletes all but the newest `keep`.
  std::string save(const CheckpointWriter& writer, int64_t step) const;
  // The same for a file image from CheckpointWriter::encode().
  std::string save_encoded(const std::string& image, int64_t step) const;
  // The newest complete checkpoint (temp files of interrupted writes are ignored).
  std::optional<std::string> latest() const;
  std::vector<std::string> list() const;  // oldest first

 private:
  std::string dir_;
  int keep_;
};

}  // namespace tp
