#pragma once
// IDX files (the MNIST / Fashion-MNIST format, LeCun et al.): a big-endian header
// (0x00 0x00 type ndims, then one u32 per dimension) followed by the data. Files may be
// gzip-compressed (detected by the gzip magic, not by the name). Only unsigned-byte data
// (type 0x08) is supported: that is what every MNIST-format file holds.
#include <cstdint>
#include <string>
#include <vector>

namespace tp::gen {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // product(dims) bytes
};

// Parses an IDX file, gzip-compressed or not; throws DataError naming the file when it is
// missing or unreadable, a truncated or corrupt gzip stream, for a bad magic number, an
// unsupported type, or a size that does not match the header. A compressed file is inflated
// only as far as its header says it is long (a gzip bomb stops there).
IdxArray read_idx(const std::string& path);
// Parses IDX bytes already in memory (`name` is used in error messages).
IdxArray parse_idx(const std::string& bytes, const std::string& name);
// IDX bytes for `array` (uncompressed), for tests and exports.
std::string encode_idx(const IdxArray& array);
// Gzip-compresses `bytes` (zlib), for tests and exports.
std::string gzip_bytes(const std::string& bytes);

}  // namespace tp::gen
