// Fuzz target: a checkpoint file as anyone could craft it. The harness recomputes the header
// and payload CRC32s the way an attacker would (they guard against accidents, not edits), so
// mutations reach the header's JSON parser and the payload's unpickler. Then it reads every
// kind of entry the agents read. Promise (docs/security.md): a CheckpointError in one
// printable line, never a crash, hang or other exception.
#include <torch/torch.h>
#include <zlib.h>

#include <cstring>

#include "core/checkpoint.h"
#include "core/rng.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

uint32_t crc32_of(const std::string& bytes, size_t from, size_t n) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data() + from), static_cast<uInt>(n)));
}

// Layout: "TPCKPT1\n" | u32 header length | u32 header CRC | header | u64 payload length |
// u32 payload CRC | payload. Each CRC covers the bytes present, up to the stated length.
void fix_crcs(std::string& image) {
  if (image.size() < 16) return;
  uint32_t header_len = 0;
  std::memcpy(&header_len, image.data() + 8, 4);
  const size_t header_have = std::min<size_t>(header_len, image.size() - 16);
  const uint32_t header_crc = crc32_of(image, 16, header_have);
  std::memcpy(&image[12], &header_crc, 4);
  const size_t payload_at = 16 + static_cast<size_t>(header_len) + 12;
  if (image.size() < payload_at) return;
  uint64_t payload_len = 0;
  std::memcpy(&payload_len, image.data() + payload_at - 12, 8);
  const size_t payload_have = static_cast<size_t>(std::min<uint64_t>(payload_len, image.size() - payload_at));
  const uint32_t payload_crc = crc32_of(image, payload_at, payload_have);
  std::memcpy(&image[payload_at - 4], &payload_crc, 4);
}

// Every refusal is a CheckpointError naming the file, in one printable line.
template <class Read>
bool read(Read&& r) {
  return tp::fuzz::refused_or_read<tp::CheckpointError>(r, 1200);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tp::fuzz::ScratchFile file("checkpoint.tpck");
  std::string image(reinterpret_cast<const char*>(data), size);
  fix_crcs(image);
  const std::string& path = file.write(image);
  read([&] { tp::CheckpointReader::read_header(path); });
  std::optional<tp::CheckpointReader> reader;
  if (!read([&] { reader.emplace(path); })) return 0;
  // The entries make_checkpoint_seeds writes: a 4->2 linear layer, its Adam state, a tensor, a
  // byte string, both generators and a counter.
  torch::nn::Linear net(4, 2);
  torch::optim::Adam adam(net->parameters(), 1e-3);
  tp::Rng rng(1);
  read([&] { reader->expect("fuzz", "linear:4-2"); });
  read([&] { reader->load_module("net", *net); });
  read([&] { reader->load_optimizer("adam", adam); });
  read([&] { (void)reader->tensor("x"); });
  read([&] { (void)reader->doubles("x"); });
  read([&] { (void)reader->bytes("bytes"); });
  read([&] { reader->load_rng("rng", rng); });
  read([&] { reader->load_torch_rng("torch_rng"); });
  read([&] { (void)reader->has("net"); });
  read([&] { (void)reader->header().counter("steps"); });
  return 0;
}
