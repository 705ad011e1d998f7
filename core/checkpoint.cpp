#include "core/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/json.h"
#include "core/run_dir.h"
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
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
bool get(const std::string& in, size_t& off, T& v) {
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

// Header text in an error message: printable ASCII, at most 80 characters (a crafted header
// must not put escape codes, NULs or megabytes on the user's terminal).
std::string printable(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return text.size() > 80 ? out + "..." : out;
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
  auto text_field = [&](const char* name, size_t max_size) {
    const auto it = j.find(name);
    if (it == j.end() || !it->is_string()) bad(std::string("field '") + name + "' is missing or not text");
    const std::string v = it->get<std::string>();
    if (v.size() > max_size) bad(std::string("field '") + name + "' is too long");
    if (max_size == kMaxField)
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
  h.torchplay_version = text_field("torchplay_version", kMaxField);
  h.algorithm = text_field("algorithm", kMaxField);
  h.env = text_field("env", kMaxField);
  h.architecture = text_field("architecture", kMaxField);
  h.config = text_field("config", kMaxHeaderBytes);
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
  TP_CHECK_AS(CheckpointError, get(data, off, len) && get(data, off, crc), "checkpoint '", path,
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

// A tensor read back must lie inside its storage: a crafted archive can claim a size, stride or
// offset its storage does not hold, and reading it would run past the allocation.
}  // namespace

bool within_its_storage(const torch::Tensor& t) {
  if (!t.defined()) return false;
  if (t.numel() == 0) return true;
  if (t.storage_offset() < 0) return false;
  int64_t last = t.storage_offset();
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.stride(d) < 0) return false;
    last += (t.size(d) - 1) * t.stride(d);
  }
  return static_cast<size_t>(last + 1) * t.element_size() <= t.storage().nbytes();
}

// Tensors the writer stores by key own their storage exactly (contiguous, from offset 0, as
// many bytes as their elements need), so for them a shifted offset or a longer storage is an
// edit too. (Module parameters may be views into one shared block, so they are only checked
// to lie within it.)
bool fits_its_storage(const torch::Tensor& t) {
  if (!within_its_storage(t)) return false;
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

void CheckpointWriter::add_module(const std::string& key, const torch::nn::Module& module) {
  torch::serialize::OutputArchive sub;
  module.save(sub);
  archive_.write(key, sub);
}

void CheckpointWriter::add_optimizer(const std::string& key, const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive sub;
  optimizer.save(sub);
  archive_.write(key, sub);
}

void CheckpointWriter::add_tensor(const std::string& key, const torch::Tensor& tensor) {
  torch::Tensor t = tensor.detach().cpu().contiguous();
  if (!fits_its_storage(t)) t = t.clone();  // a view (narrow, select) gets storage of its own
  archive_.write(key, t);
}

void CheckpointWriter::add_bytes(const std::string& key, const std::string& bytes) {
  auto t = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(t.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  archive_.write(key, t);
}

void CheckpointWriter::add_rng(const std::string& key, const Rng& rng) {
  const auto& s = rng.state();
  add_bytes(key, std::string(reinterpret_cast<const char*>(s.data()), sizeof(uint64_t) * s.size()));
}

void CheckpointWriter::add_torch_rng(const std::string& key) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  archive_.write(key, gen.get_state());
}

void CheckpointWriter::write(const std::string& path) const { write_file_atomic(path, encode()); }

std::string CheckpointWriter::encode() const {
  std::ostringstream payload_stream;
  archive_.save_to(payload_stream);
  const std::string payload = payload_stream.str();
  const std::string header = header_to_json(header_);
  std::string out;
  out.reserve(payload.size() + header.size() + 64);
  out.append(kMagic, sizeof kMagic);
  put<uint32_t>(out, static_cast<uint32_t>(header.size()));
  put<uint32_t>(out, crc32_of(header.data(), header.size()));
  out += header;
  put<uint64_t>(out, static_cast<uint64_t>(payload.size()));
  put<uint32_t>(out, crc32_of(payload.data(), payload.size()));
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
  if (data.size() == sizeof kMagic + 8 && std::memcmp(data.data(), kMagic, sizeof kMagic) == 0 && get(data, off, len) &&
      len <= kMaxHeaderBytes) {
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
  size_t off = 0;
  header_ = parse_header(data, path, off);
  uint64_t len = 0;
  uint32_t crc = 0;
  TP_CHECK_AS(CheckpointError, get(data, off, len) && get(data, off, crc), "checkpoint '", path,
              "' is truncated (before the tensors)");
  TP_CHECK_AS(CheckpointError, len == data.size() - off, "checkpoint '", path, "' is truncated (", data.size() - off,
              " of ", len, " tensor bytes)");
  TP_CHECK_AS(CheckpointError, crc32_of(data.data() + off, len) == crc, "checkpoint '", path,
              "' is corrupt (tensor data checksum mismatch)");
  try {
    // Onto the CPU whatever device the tensors were saved from (a run on --device cuda): the
    // caller moves modules to its own device after loading.
    archive_.load_from(data.data() + off, static_cast<size_t>(len), torch::Device(torch::kCPU));
  } catch (const std::exception& e) {
    fail(std::string("unreadable tensor archive: ") + e.what());
  }
}

void CheckpointReader::fail(const std::string& what) const {
  // The first line, in printable text of bounded length: archive errors quote the file's keys.
  std::string line;
  for (char c : what.substr(0, std::min<size_t>(what.find('\n'), 300))) line += (c >= 0x20 && c < 0x7f) ? c : '?';
  TP_THROW(CheckpointError, "checkpoint '", path_, "': ", line);
}

void CheckpointReader::expect(const std::string& algorithm, const std::string& architecture) const {
  if (!algorithm.empty() && header_.algorithm != algorithm)
    fail("holds a '" + header_.algorithm + "' model, expected '" + algorithm + "'");
  if (!architecture.empty() && header_.architecture != architecture)
    fail("architecture mismatch: file has '" + header_.architecture + "', expected '" + architecture + "'");
}

// Tensors come back on the CPU whatever device they were saved from (a run on --device cuda
// reads back on a CPU-only build); callers move modules and optimizer state after.
void CheckpointReader::load_module(const std::string& key, torch::nn::Module& module) {
  // LibTorch's Module::load replaces tensors without comparing shapes, so the shapes are
  // recorded first and checked after: a different architecture is an error, not a silent swap.
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  for (const auto& p : module.named_parameters(true)) shapes.emplace_back(p.key(), p.value().sizes().vec());
  for (const auto& b : module.named_buffers(true)) shapes.emplace_back(b.key(), b.value().sizes().vec());
  try {
    torch::serialize::InputArchive sub;
    archive_.read(key, sub);
    module.load(sub);
  } catch (const c10::Error& e) {
    fail("cannot load module '" + key + "' (" + e.what_without_backtrace() + ")");
  }
  for (const auto& p : module.named_parameters(true))
    if (!within_its_storage(p.value()))
      fail("module '" + key + "' parameter '" + p.key() + "' does not fit its storage");
  for (const auto& b : module.named_buffers(true))
    if (!within_its_storage(b.value())) fail("module '" + key + "' buffer '" + b.key() + "' does not fit its storage");
  size_t i = 0;
  for (const auto& p : module.named_parameters(true)) {
    if (p.value().sizes().vec() != shapes[i].second)
      fail("module '" + key + "' parameter '" + p.key() +
           "' has another shape than this network (architecture mismatch)");
    ++i;
  }
  for (const auto& b : module.named_buffers(true)) {
    if (b.value().sizes().vec() != shapes[i].second)
      fail("module '" + key + "' buffer '" + b.key() + "' has another shape than this network (architecture mismatch)");
    ++i;
  }
}

void CheckpointReader::load_optimizer(const std::string& key, torch::optim::Optimizer& optimizer) {
  try {
    torch::serialize::InputArchive sub;
    archive_.read(key, sub);
    optimizer.load(sub);
  } catch (const c10::Error& e) {
    fail("cannot load optimizer '" + key + "' (" + e.what_without_backtrace() + ")");
  }
}

torch::Tensor CheckpointReader::tensor(const std::string& key) {
  torch::Tensor t;
  try {
    archive_.read(key, t);
  } catch (const c10::Error& e) {
    fail("missing tensor '" + key + "' (" + e.what_without_backtrace() + ")");
  }
  if (!fits_its_storage(t)) fail("tensor '" + key + "' does not fit its storage");
  return t;
}

bool CheckpointReader::has(const std::string& key) {
  torch::Tensor t;
  if (archive_.try_read(key, t)) return true;
  torch::serialize::InputArchive sub;
  return archive_.try_read(key, sub);
}

std::string CheckpointReader::bytes(const std::string& key) {
  torch::Tensor t = tensor(key);
  if (t.scalar_type() != torch::kUInt8 || t.dim() != 1) fail("entry '" + key + "' is not a byte string");
  return std::string(reinterpret_cast<const char*>(t.data_ptr<uint8_t>()), static_cast<size_t>(t.numel()));
}

void CheckpointReader::load_rng(const std::string& key, Rng& rng) {
  const std::string b = bytes(key);
  Rng::State s;
  if (b.size() != sizeof s) fail("entry '" + key + "' is not a generator state");
  std::memcpy(s.data(), b.data(), sizeof s);
  rng.set_state(s);
}

void CheckpointReader::load_torch_rng(const std::string& key) {
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

}  // namespace tp
