#include "core/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/unpickler.h>
#include <torch/torch.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/error.h"
#include "core/json.h"
#include "core/payload_check.h"
#include "core/run_dir.h"
#include "core/text.h"
#include "core/version.h"

namespace fs = std::filesystem;

namespace tp {

namespace {

constexpr char kMagic[8] = {'T', 'P', 'C', 'K', 'P', 'T', '1', '\n'};
constexpr uint32_t kMaxHeaderBytes = 16u << 20;

uint32_t crc32_of(const char* data, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    const uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
    data += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

template <class T>
void put_raw(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
bool get_raw(const std::string& in, size_t& off, T& v) {
  if (off + sizeof v > in.size()) return false;
  std::memcpy(&v, in.data() + off, sizeof v);
  off += sizeof v;
  return true;
}

std::string header_to_json(const CheckpointHeader& h) {
  Json j = Json::object();
  j["format_version"] = h.format_version;
  j["torchplay_version"] = h.torchplay_version;
  j["algorithm"] = h.algorithm;
  j["env"] = h.env;
  j["architecture"] = h.architecture;
  j["config"] = h.config;
  Json c = Json::object();
  for (const auto& kv : h.counters) c[kv.first] = static_cast<long long>(kv.second);
  j["counters"] = c;
  return j.dump();
}

// Parsed as bounded data: nlohmann::json (std::map objects, so n keys cost n log n, not the
// n^2 of the ordered form), nesting at most 3 deep and at most 4,096 keys (a real header has
// two levels and a dozen counters), every field checked for type, length and range.
CheckpointHeader header_from_json(const std::string& text, const std::string& path) {
  constexpr int kMaxDepth = 3;
  constexpr int kMaxKeys = 4096;
  constexpr size_t kMaxField = 256;
  constexpr int64_t kMaxCounter = 1'000'000'000'000'000;  // 1e15: no run counts further
  auto bad = [&](const std::string& what) {
    TP_THROW(CheckpointError, "corrupt checkpoint header in '", path, "': ", what);
  };
  int keys = 0;
  const nlohmann::json::parser_callback_t limits = [&](int depth, nlohmann::json::parse_event_t event,
                                                       nlohmann::json&) {
    if (depth > kMaxDepth) bad("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (event == nlohmann::json::parse_event_t::key && ++keys > kMaxKeys)
      bad("more than " + std::to_string(kMaxKeys) + " keys");
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text, limits);
  } catch (const nlohmann::json::exception& e) {
    bad(printable(e.what()));
  }
  auto text_field = [&](const char* name, size_t max_size, bool printable_only) {
    const auto it = j.find(name);
    if (it == j.end() || !it->is_string()) bad(std::string("field '") + name + "' is missing or not text");
    const std::string v = it->get<std::string>();
    if (v.size() > max_size) bad(std::string("field '") + name + "' is too long");
    if (printable_only)
      for (char c : v)
        if (c < 0x20 || c >= 0x7f) bad(std::string("field '") + name + "' is not printable text");
    return v;
  };
  if (!j.is_object()) bad("not a JSON object");
  CheckpointHeader h;
  const auto version = j.find("format_version");
  if (version == j.end() || !version->is_number_integer()) bad("field 'format_version' is missing or not an integer");
  const int64_t v = version->get<int64_t>();
  if (v < 0 || v > 1000) bad("field 'format_version' is out of range");
  h.format_version = static_cast<int>(v);
  h.torchplay_version = text_field("torchplay_version", kMaxField, true);
  h.algorithm = text_field("algorithm", kMaxField, true);
  h.env = text_field("env", kMaxField, true);
  h.architecture = text_field("architecture", kMaxField, true);
  h.config = text_field("config", kMaxHeaderBytes, false);
  const auto counters = j.find("counters");
  if (counters == j.end() || !counters->is_object()) bad("field 'counters' is missing or not an object");
  for (const auto& kv : counters->items()) {
    if (kv.key().size() > kMaxField) bad("a counter name is too long");
    const auto& c = kv.value();
    const bool in_range = (c.is_number_unsigned() && c.get<uint64_t>() <= static_cast<uint64_t>(kMaxCounter)) ||
                          (c.is_number_integer() && c.get<int64_t>() >= 0 && c.get<int64_t>() <= kMaxCounter);
    if (!in_range) bad("counter '" + printable(kv.key()) + "' is not a whole number in [0, 1e15]");
    h.counters[kv.key()] = c.get<int64_t>();
  }
  return h;
}

// Parses the header part of a checkpoint file image; `off` ends at the payload section.
CheckpointHeader parse_header(const std::string& data, const std::string& path, size_t& off) {
  TP_CHECK_AS(CheckpointError, data.size() >= sizeof kMagic && std::memcmp(data.data(), kMagic, sizeof kMagic) == 0,
              "'", path, "' is not a torchplay checkpoint (bad magic)");
  off = sizeof kMagic;
  uint32_t len = 0, crc = 0;
  TP_CHECK_AS(CheckpointError, get_raw(data, off, len) && get_raw(data, off, crc), "checkpoint '", path,
              "' is truncated (in the header)");
  TP_CHECK_AS(CheckpointError, len <= kMaxHeaderBytes, "checkpoint '", path, "' is corrupt (header size)");
  TP_CHECK_AS(CheckpointError, off + len <= data.size(), "checkpoint '", path, "' is truncated (in the header)");
  TP_CHECK_AS(CheckpointError, crc32_of(data.data() + off, len) == crc, "checkpoint '", path,
              "' is corrupt (header checksum mismatch)");
  CheckpointHeader h = header_from_json(data.substr(off, len), path);
  off += len;
  TP_CHECK_AS(CheckpointError, h.format_version == kCheckpointFormatVersion, "checkpoint '", path,
              "' has format version ", h.format_version, ", this torchplay reads version ", kCheckpointFormatVersion);
  return h;
}

// The bytes of each tensor record the unpickler read, by the address it read them to.
using RecordBytes = std::unordered_map<const void*, size_t>;

// torch::pickle_load, with each record's size kept: LibTorch's unpickler sizes a storage by the
// element count the pickle states, not by its record's bytes, so the count is checked after.
c10::IValue unpickle(const std::string& payload, RecordBytes& record_bytes) {
  caffe2::serialize::PyTorchStreamReader archive(
      std::make_shared<caffe2::serialize::MemoryReadAdapter>(payload.data(), payload.size()));
  auto [pickle, pickle_size] = archive.getRecord("data.pkl");
  size_t done = 0;
  auto read = [&, data = static_cast<const char*>(pickle.get()), size = pickle_size](char* out, size_t n) -> size_t {
    n = std::min(size - done, n);
    std::memcpy(out, data + done, n);
    done += n;
    return n;
  };
  auto read_record = [&](const std::string& key) {
    auto [bytes, size] = archive.getRecord("data/" + key);
    record_bytes[bytes.get()] = size;
    return std::move(bytes);
  };
  torch::jit::Unpickler unpickler(read, nullptr, nullptr, read_record, c10::nullopt);
  unpickler.set_version(archive.version());
  return unpickler.parse_ivalue();
}

// A storage reads no further than the record it was read from.
bool within_its_record(const torch::Tensor& t, const RecordBytes& record_bytes) {
  const c10::Storage& storage = t.storage();
  if (storage.nbytes() == 0) return true;
  const auto it = record_bytes.find(storage.data());
  return it != record_bytes.end() && storage.nbytes() <= it->second;
}

}  // namespace

// Contiguous from offset 0 over exactly as many bytes as its elements need: then every
// element lies inside the storage, and a shifted offset or a longer storage is refused too.
// (Sizes that are negative or whose product overflows never get here: c10 refuses them.)
bool fits_its_storage(const torch::Tensor& t) {
  if (!t.defined()) return false;
  if (t.numel() == 0) return true;
  return t.is_contiguous() && t.storage_offset() == 0 &&
         t.storage().nbytes() == static_cast<size_t>(t.numel()) * t.element_size();
}

int64_t CheckpointHeader::counter(const std::string& name) const {
  auto it = counters.find(name);
  TP_CHECK_AS(CheckpointError, it != counters.end(), "checkpoint has no counter '", name, "'");
  return it->second;
}

CheckpointWriter::CheckpointWriter(CheckpointHeader header) : header_(std::move(header)) {
  if (header_.torchplay_version.empty()) header_.torchplay_version = TORCHPLAY_VERSION;
}

void CheckpointWriter::put(const std::string& key, torch::Tensor tensor) {
  for (const auto& e : entries_) TP_CHECK(e.first != key, "checkpoint entry '", key, "' written twice");
  torch::Tensor t = tensor.detach().cpu().contiguous();
  if (!fits_its_storage(t)) t = t.clone();  // a view (narrow, select) gets storage of its own
  entries_.emplace_back(key, std::move(t));
}

void CheckpointWriter::add_module(const std::string& key, const torch::nn::Module& module) {
  for (const auto& p : module.named_parameters(/*recurse=*/true)) put(key + "/" + p.key(), p.value());
  for (const auto& b : module.named_buffers(/*recurse=*/true)) put(key + "/" + b.key(), b.value());
}

namespace {

namespace optim = torch::optim;

// One optimizer's per-parameter state as named tensors, for the optimizers nets/optimizer.cpp
// makes (Adam, AdamW, RMSprop, SGD, Adagrad). `step` counters travel as int64 tensors.
std::vector<std::pair<std::string, torch::Tensor>> state_tensors(const optim::OptimizerParamState& s) {
  auto step = [](int64_t v) { return torch::tensor({v}, torch::kInt64); };
  std::vector<std::pair<std::string, torch::Tensor>> out;
  auto add = [&](const char* name, const torch::Tensor& t) {
    if (t.defined()) out.emplace_back(name, t);
  };
  if (const auto* a = dynamic_cast<const optim::AdamParamState*>(&s)) {
    out.emplace_back("step", step(a->step()));
    add("exp_avg", a->exp_avg());
    add("exp_avg_sq", a->exp_avg_sq());
    add("max_exp_avg_sq", a->max_exp_avg_sq());
  } else if (const auto* w = dynamic_cast<const optim::AdamWParamState*>(&s)) {
    out.emplace_back("step", step(w->step()));
    add("exp_avg", w->exp_avg());
    add("exp_avg_sq", w->exp_avg_sq());
    add("max_exp_avg_sq", w->max_exp_avg_sq());
  } else if (const auto* r = dynamic_cast<const optim::RMSpropParamState*>(&s)) {
    out.emplace_back("step", step(r->step()));
    add("square_avg", r->square_avg());
    add("momentum_buffer", r->momentum_buffer());
    add("grad_avg", r->grad_avg());
  } else if (const auto* g = dynamic_cast<const optim::SGDParamState*>(&s)) {
    add("momentum_buffer", g->momentum_buffer());
  } else if (const auto* d = dynamic_cast<const optim::AdagradParamState*>(&s)) {
    out.emplace_back("step", step(d->step()));
    add("sum", d->sum());
  } else {
    TP_THROW(Error, "cannot checkpoint the state of this optimizer type");
  }
  return out;
}

// The state an optimizer of `optimizer`'s type keeps for one parameter, from named tensors
// (`get(name)`: the tensor or undefined); `param` gives the shape every tensor must have.
std::unique_ptr<optim::OptimizerParamState> state_from(const optim::Optimizer& optimizer, const torch::Tensor& param,
                                                       const std::function<torch::Tensor(const char*)>& get) {
  auto tensor = [&](const char* name, bool required) {
    torch::Tensor t = get(name);
    TP_CHECK_AS(CheckpointError, t.defined() || !required, "optimizer state '", name, "' is missing");
    if (!t.defined()) return t;
    TP_CHECK_AS(CheckpointError, t.sizes() == param.sizes() && t.scalar_type() == param.scalar_type(),
                "optimizer state '", name, "' does not match its parameter");
    return t.clone();
  };
  auto step = [&] {
    const torch::Tensor t = get("step");
    TP_CHECK_AS(CheckpointError, t.defined() && t.scalar_type() == torch::kInt64 && t.numel() == 1,
                "optimizer step count is missing or malformed");
    const int64_t v = t.item<int64_t>();
    TP_CHECK_AS(CheckpointError, v >= 0, "optimizer step count is negative");
    return v;
  };
  if (dynamic_cast<const optim::Adam*>(&optimizer)) {
    auto s = std::make_unique<optim::AdamParamState>();
    s->step(step()).exp_avg(tensor("exp_avg", true)).exp_avg_sq(tensor("exp_avg_sq", true));
    s->max_exp_avg_sq(tensor("max_exp_avg_sq", false));
    return s;
  }
  if (dynamic_cast<const optim::AdamW*>(&optimizer)) {
    auto s = std::make_unique<optim::AdamWParamState>();
    s->step(step()).exp_avg(tensor("exp_avg", true)).exp_avg_sq(tensor("exp_avg_sq", true));
    s->max_exp_avg_sq(tensor("max_exp_avg_sq", false));
    return s;
  }
  if (dynamic_cast<const optim::RMSprop*>(&optimizer)) {
    auto s = std::make_unique<optim::RMSpropParamState>();
    s->step(step()).square_avg(tensor("square_avg", true));
    s->momentum_buffer(tensor("momentum_buffer", false)).grad_avg(tensor("grad_avg", false));
    return s;
  }
  if (dynamic_cast<const optim::SGD*>(&optimizer)) {
    auto s = std::make_unique<optim::SGDParamState>();
    s->momentum_buffer(tensor("momentum_buffer", false));
    return s;
  }
  if (dynamic_cast<const optim::Adagrad*>(&optimizer)) {
    auto s = std::make_unique<optim::AdagradParamState>();
    s->step(step()).sum(tensor("sum", true));
    return s;
  }
  TP_THROW(Error, "cannot restore the state of this optimizer type");
}

std::string state_key(const torch::Tensor& param) { return c10::guts::to_string(param.unsafeGetTensorImpl()); }

}  // namespace

void CheckpointWriter::add_optimizer(const std::string& key, const torch::optim::Optimizer& optimizer) {
  // Per group its learning rate (schedules change it); per parameter, in order, its state.
  int64_t index = 0;
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    const auto& group = optimizer.param_groups()[g];
    put(key + "/group" + std::to_string(g) + "/lr", torch::tensor({group.options().get_lr()}, torch::kFloat64));
    for (const auto& param : group.params()) {
      const auto it = optimizer.state().find(state_key(param));
      if (it != optimizer.state().end())
        for (auto& [name, t] : state_tensors(*it->second)) put(key + "/state" + std::to_string(index) + "/" + name, t);
      ++index;
    }
  }
}

void CheckpointWriter::add_tensor(const std::string& key, const torch::Tensor& tensor) { put(key, tensor); }

void CheckpointWriter::add_bytes(const std::string& key, const std::string& bytes) {
  auto t = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(t.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  put(key, t);
}

void CheckpointWriter::add_rng(const std::string& key, const Rng& rng) {
  const auto& s = rng.state();
  add_bytes(key, std::string(reinterpret_cast<const char*>(s.data()), sizeof(uint64_t) * s.size()));
}

void CheckpointWriter::add_torch_rng(const std::string& key) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  put(key, gen.get_state());
}

void CheckpointWriter::write(const std::string& path) const { write_file_atomic(path, encode()); }

std::string CheckpointWriter::encode() const {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [key, t] : entries_) dict.insert(key, t);
  const std::vector<char> pickled = torch::pickle_save(c10::IValue(dict));
  const std::string payload(pickled.begin(), pickled.end());
  const std::string header = header_to_json(header_);
  std::string out;
  out.reserve(payload.size() + header.size() + 64);
  out.append(kMagic, sizeof kMagic);
  put_raw<uint32_t>(out, static_cast<uint32_t>(header.size()));
  put_raw<uint32_t>(out, crc32_of(header.data(), header.size()));
  out += header;
  put_raw<uint64_t>(out, static_cast<uint64_t>(payload.size()));
  put_raw<uint32_t>(out, crc32_of(payload.data(), payload.size()));
  out += payload;
  return out;
}

CheckpointHeader CheckpointReader::read_header(const std::string& path) {
  TP_CHECK_AS(CheckpointError, file_exists(path), "checkpoint '", path, "' does not exist");
  // Read just enough for the header.
  std::ifstream in(path, std::ios::binary);
  TP_CHECK_AS(CheckpointError, in.good(), "cannot read checkpoint '", path, "'");
  std::string data(sizeof kMagic + 8, '\0');
  in.read(&data[0], static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  size_t off = sizeof kMagic;
  uint32_t len = 0;
  if (data.size() == sizeof kMagic + 8 && std::memcmp(data.data(), kMagic, sizeof kMagic) == 0 &&
      get_raw(data, off, len) && len <= kMaxHeaderBytes) {
    std::string rest(len, '\0');
    in.read(&rest[0], len);
    rest.resize(static_cast<size_t>(in.gcount()));
    data += rest;
  }
  size_t end = 0;
  return parse_header(data, path, end);
}

CheckpointReader::CheckpointReader(const std::string& path) : path_(path) {
  TP_CHECK_AS(CheckpointError, file_exists(path), "checkpoint '", path, "' does not exist");
  std::string data;
  try {
    data = read_file(path);
  } catch (const Error& e) {
    TP_THROW(CheckpointError, e.what());
  }
  parse(data);
}

CheckpointReader CheckpointReader::from_image(const std::string& image, const std::string& origin) {
  CheckpointReader reader;
  reader.path_ = origin;
  reader.parse(image);
  return reader;
}

void CheckpointReader::parse(const std::string& data) {
  const std::string& path = path_;
  size_t off = 0;
  header_ = parse_header(data, path, off);
  uint64_t len = 0;
  uint32_t crc = 0;
  TP_CHECK_AS(CheckpointError, get_raw(data, off, len) && get_raw(data, off, crc), "checkpoint '", path,
              "' is truncated (before the tensors)");
  TP_CHECK_AS(CheckpointError, len == data.size() - off, "checkpoint '", path, "' is truncated (", data.size() - off,
              " of ", len, " tensor bytes)");
  TP_CHECK_AS(CheckpointError, crc32_of(data.data() + off, len) == crc, "checkpoint '", path,
              "' is corrupt (tensor data checksum mismatch)");
  // Data only: the unpickler builds dictionaries, strings and tensors and refuses classes and
  // code (no type resolver, no object loader). Anything but a dictionary of tensors whose
  // every tensor lies inside its storage is refused. Tensors come back on the CPU.
  try {
    check_payload_bounds(std::string_view(data).substr(off));
  } catch (const Error& e) {
    fail(e.what());
  }
  c10::IValue value;
  RecordBytes record_bytes;
  try {
    value = unpickle(data.substr(off), record_bytes);
  } catch (const std::exception& e) {
    fail(std::string("unreadable tensor data: ") + e.what());
  }
  if (!value.isGenericDict()) fail("the tensor data is not a dictionary");
  for (const auto& item : value.toGenericDict()) {
    if (!item.key().isString() || !item.value().isTensor()) fail("the tensor data holds something other than tensors");
    const torch::Tensor t = item.value().toTensor();
    const std::string key = item.key().toStringRef();
    if (!within_its_record(t, record_bytes)) fail("tensor '" + key + "' claims more bytes than its record holds");
    if (!fits_its_storage(t)) fail("tensor '" + key + "' does not fit its storage");
    entries_.emplace(key, t);
  }
}

void CheckpointReader::fail(const std::string& what) const {
  // Bounded printable text: unpickler errors and entry names quote the file.
  TP_THROW(CheckpointError, "checkpoint '", path_, "': ", printable(what, 300));
}

namespace {
// Optimizer and generator states are read with recording off: they are training state.
struct NotRecording {
  explicit NotRecording(bool& flag) : flag_(flag), was_(flag) { flag_ = false; }
  ~NotRecording() { flag_ = was_; }
  NotRecording(const NotRecording&) = delete;
  NotRecording& operator=(const NotRecording&) = delete;

 private:
  bool& flag_;
  bool was_;
};
}  // namespace

void CheckpointReader::expect(const std::string& algorithm, const std::string& architecture) const {
  if (!algorithm.empty() && header_.algorithm != algorithm)
    fail("holds a '" + header_.algorithm + "' model, expected '" + algorithm + "'");
  if (!architecture.empty() && header_.architecture != architecture)
    fail("architecture mismatch: file has '" + header_.architecture + "', expected '" + architecture + "'");
}

const torch::Tensor* CheckpointReader::find(const std::string& key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (recording_) read_.insert(key);
  return &it->second;
}

bool CheckpointReader::inference_only() const {
  const auto it = header_.counters.find(kInferenceOnlyCounter);
  return it != header_.counters.end() && it->second != 0;
}

void write_inference_copy(const CheckpointReader& reader, const std::string& path,
                          const std::map<std::string, std::string>& replaced_bytes) {
  for (const auto& entry : replaced_bytes)
    TP_CHECK(reader.read_.count(entry.first), "cannot replace entry '", entry.first, "': playing does not read it");
  CheckpointHeader header = reader.header();
  header.counters[kInferenceOnlyCounter] = 1;
  CheckpointWriter writer(header);
  for (const std::string& key : reader.read_) {
    if (const auto r = replaced_bytes.find(key); r != replaced_bytes.end())
      writer.add_bytes(key, r->second);
    else
      writer.add_tensor(key, reader.entries_.at(key));
  }
  writer.write(path);
}

// Tensors come back on the CPU whatever device they were saved from (a run on --device cuda
// reads back on a CPU-only build); callers move modules and optimizer state after.
void CheckpointReader::load_module(const std::string& key, torch::nn::Module& module) {
  // Every parameter and buffer of `module` must be in the file with its shape and type, and
  // the file must hold nothing else under `key/`: another architecture is an error, never a
  // partial or silent swap.
  const std::string prefix = key + "/";
  std::vector<std::pair<torch::Tensor, const torch::Tensor*>> copies;
  auto match = [&](const std::string& name, const torch::Tensor& target, const char* what) {
    const torch::Tensor* saved = find(prefix + name);
    if (!saved) fail("module '" + key + "' has no " + what + " '" + name + "' (architecture mismatch)");
    if (saved->sizes() != target.sizes() || saved->scalar_type() != target.scalar_type())
      fail("module '" + key + "' " + what + " '" + name +
           "' has another shape than this network (architecture mismatch)");
    copies.emplace_back(target, saved);
  };
  for (const auto& p : module.named_parameters(/*recurse=*/true)) match(p.key(), p.value(), "parameter");
  for (const auto& b : module.named_buffers(/*recurse=*/true)) match(b.key(), b.value(), "buffer");
  size_t present = 0;
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.rfind(prefix, 0) == 0; ++it) ++present;
  if (present == 0) fail("no module '" + key + "'");
  if (present != copies.size())
    fail("module '" + key + "' holds other entries than this network (architecture mismatch)");
  torch::NoGradGuard no_grad;
  for (auto& [target, saved] : copies) target.copy_(*saved);
}

void CheckpointReader::load_optimizer(const std::string& key, torch::optim::Optimizer& optimizer) {
  const std::string prefix = key + "/";
  if (inference_only() && !has(key)) return;
  if (!has(key)) fail("no optimizer '" + key + "'");
  const NotRecording training_state(recording_);
  int64_t index = 0;
  ska::flat_hash_map<std::string, std::unique_ptr<torch::optim::OptimizerParamState>> state;
  std::vector<double> lrs;
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    const std::string group = prefix + "group" + std::to_string(g) + "/lr";
    const torch::Tensor* lr = find(group);
    if (!lr || lr->numel() != 1 || lr->scalar_type() != torch::kFloat64)
      fail("optimizer '" + key + "' has no " + group);
    const double v = lr->item<double>();
    if (!std::isfinite(v) || v < 0) fail("optimizer '" + key + "' learning rate is not a finite number >= 0");
    lrs.push_back(v);
    for (const auto& param : optimizer.param_groups()[g].params()) {
      const std::string at = prefix + "state" + std::to_string(index) + "/";
      const auto first = entries_.lower_bound(at);
      if (first != entries_.end() && first->first.rfind(at, 0) == 0) {
        try {
          state[state_key(param)] = state_from(optimizer, param, [&](const char* name) {
            const torch::Tensor* t = find(at + name);
            return t ? *t : torch::Tensor();
          });
        } catch (const Error& e) {
          fail("optimizer '" + key + "' parameter " + std::to_string(index) + ": " + e.what());
        }
      }
      ++index;
    }
  }
  for (size_t g = 0; g < lrs.size(); ++g) optimizer.param_groups()[g].options().set_lr(lrs[g]);
  optimizer.state() = std::move(state);
}

torch::Tensor CheckpointReader::tensor(const std::string& key) {
  const torch::Tensor* t = find(key);
  if (!t) fail("missing tensor '" + key + "'");
  return *t;
}

bool CheckpointReader::has(const std::string& key) {
  if (entries_.count(key)) return true;
  const std::string prefix = key + "/";
  const auto it = entries_.lower_bound(prefix);
  return it != entries_.end() && it->first.rfind(prefix, 0) == 0;
}

std::vector<double> CheckpointReader::doubles(const std::string& key) {
  const torch::Tensor t = tensor(key).to(torch::kFloat64).contiguous();
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

std::string CheckpointReader::bytes(const std::string& key) {
  torch::Tensor t = tensor(key);
  if (t.scalar_type() != torch::kUInt8 || t.dim() != 1) fail("entry '" + key + "' is not a byte string");
  return std::string(reinterpret_cast<const char*>(t.data_ptr<uint8_t>()), static_cast<size_t>(t.numel()));
}

void CheckpointReader::load_rng(const std::string& key, Rng& rng) {
  if (inference_only() && !has(key)) return;
  const NotRecording training_state(recording_);
  const std::string b = bytes(key);
  Rng::State s;
  if (b.size() != sizeof s) fail("entry '" + key + "' is not a generator state");
  std::memcpy(s.data(), b.data(), sizeof s);
  rng.set_state(s);
}

void CheckpointReader::load_torch_rng(const std::string& key) {
  if (inference_only() && !has(key)) return;
  const NotRecording training_state(recording_);
  torch::Tensor t = tensor(key);
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  try {
    gen.set_state(t);
  } catch (const c10::Error& e) {
    fail("bad LibTorch generator state '" + key + "'");
  }
}

CheckpointStore::CheckpointStore(std::string dir, int keep) : dir_(std::move(dir)), keep_(std::max(1, keep)) {}

std::vector<std::string> CheckpointStore::list() const {
  std::vector<std::pair<long long, std::string>> found;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return {};
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    // ckpt-<step>.tpck ; temp files end in .tmp and are skipped
    if (name.size() < 11 || name.rfind("ckpt-", 0) != 0 || name.substr(name.size() - 5) != ".tpck") continue;
    const std::string digits = name.substr(5, name.size() - 10);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    found.emplace_back(std::stoll(digits), entry.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

std::string CheckpointStore::save(const CheckpointWriter& writer, int64_t step) const {
  return save_encoded(writer.encode(), step);
}

std::string CheckpointStore::save_encoded(const std::string& image, int64_t step) const {
  make_dirs(dir_);
  char name[64];
  std::snprintf(name, sizeof name, "ckpt-%012lld.tpck", static_cast<long long>(step));
  const std::string path = dir_ + "/" + name;
  write_file_atomic(path, image);
  auto all = list();
  for (size_t i = 0; i + static_cast<size_t>(keep_) < all.size(); ++i) {
    std::error_code ec;
    fs::remove(all[i], ec);
  }
  return path;
}

std::optional<std::string> CheckpointStore::latest() const {
  auto all = list();
  if (all.empty()) return std::nullopt;
  return all.back();
}

uint64_t state_digest(const std::function<void(CheckpointWriter&)>& fill) {
  CheckpointWriter w{CheckpointHeader{}};
  fill(w);
  return std::hash<std::string>{}(w.encode());
}

}  // namespace tp
