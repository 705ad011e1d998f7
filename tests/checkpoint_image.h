#pragma once
// A checkpoint file image taken apart and put back together with its CRC32s recomputed: what
// anyone can craft (the CRCs guard against accidents, not edits). Layout (core/checkpoint.h):
// "TPCKPT1\n" | u32 header length | u32 header CRC | header | u64 payload length | u32 payload
// CRC | payload. Shared by the checkpoint tests and the fuzz seed writer.
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace tp::test {

inline uint32_t checkpoint_crc32(const std::string& bytes) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

struct CheckpointParts {
  std::string header, payload;  // the JSON header text and the payload bytes
};

// The header and payload of a well-formed image.
inline CheckpointParts split_checkpoint(const std::string& image) {
  uint32_t header_len = 0;
  std::memcpy(&header_len, image.data() + 8, 4);
  return {image.substr(16, header_len), image.substr(16 + header_len + 12)};
}

// The image of `parts`, lengths and CRCs computed.
inline std::string join_checkpoint(const CheckpointParts& parts) {
  auto raw = [](auto v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); };
  return std::string("TPCKPT1\n") + raw(static_cast<uint32_t>(parts.header.size())) +
         raw(checkpoint_crc32(parts.header)) + parts.header + raw(static_cast<uint64_t>(parts.payload.size())) +
         raw(checkpoint_crc32(parts.payload)) + parts.payload;
}

}  // namespace tp::test
