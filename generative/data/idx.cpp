#include "generative/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/run_dir.h"

namespace tp::gen {

namespace {
bool is_gzip(const std::string& bytes) {
  return bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x1f && static_cast<uint8_t>(bytes[1]) == 0x8b;
}

// Inflates at most `limit` bytes of a gzip stream. `complete` says whether the stream ended
// within them; an input that ends before the stream does is a DataError.
std::string gunzip(const std::string& in, const std::string& path, size_t limit, bool& complete) {
  z_stream zs{};
  TP_CHECK(inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK, "zlib: inflateInit2 failed");
  std::string out;
  out.resize(std::min(limit, std::max<size_t>(in.size() * 4, 1 << 16)));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END && zs.total_out < limit) {
    if (zs.total_out == out.size()) out.resize(std::min(limit, out.size() * 2));
    zs.next_out = reinterpret_cast<Bytef*>(&out[zs.total_out]);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - zs.total_out, 1u << 30));
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended before the stream did
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      const std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
      inflateEnd(&zs);
      TP_THROW(DataError, "corrupt gzip data in ", path, " (", msg, ")");
    }
  }
  const size_t produced = zs.total_out;
  inflateEnd(&zs);
  complete = rc == Z_STREAM_END;
  TP_CHECK_AS(DataError, complete || produced >= limit, "truncated gzip file ", path, " (the stream ends early)");
  out.resize(produced);
  return out;
}

uint32_t read_be32(const std::string& b, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 8) | static_cast<uint8_t>(b[at + 3]);
}
void write_be32(std::string& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((v >> s) & 0xff));
}
}  // namespace

namespace {

std::string read_dataset_file(const std::string& path) {
  TP_CHECK_AS(DataError, file_exists(path), "dataset file not found: ", path);
  try {
    return read_file(path);
  } catch (const Error& e) {
    TP_THROW(DataError, "cannot read dataset file ", path, " (", e.what(), ")");
  }
}

// A compressed IDX file is inflated no further than its own header says it is long: first
// the 4-byte magic (for the dimension count), then the header, then header + data + 1 byte,
// so a gzip bomb costs at most what the header claims (itself capped at 8 GiB).
std::string inflate_idx(const std::string& gz, const std::string& path) {
  constexpr size_t kMaxIdxBytes = size_t{8} << 30;
  bool complete = false;
  std::string head = gunzip(gz, path, 4, complete);
  if (head.size() < 4) return head;  // parse_idx names what is missing
  const size_t ndims = std::min<size_t>(static_cast<uint8_t>(head[3]), 4);
  const size_t header = 4 + 4 * ndims;
  head = gunzip(gz, path, header, complete);
  if (head.size() < header) return head;
  size_t expected = header;
  size_t count = 1;
  for (size_t i = 0; i < ndims; ++i) {
    const uint32_t d = read_be32(head, 4 + 4 * i);
    if (d == 0 || d >= (1u << 28)) return head;  // parse_idx names the bad dimension
    TP_CHECK_AS(DataError, count <= kMaxIdxBytes / d, "IDX header of ", path, " promises more than 8 GiB of data");
    count *= d;
  }
  expected += count;
  std::string all = gunzip(gz, path, expected + 1, complete);
  TP_CHECK_AS(DataError, all.size() <= expected, "IDX size mismatch in ", path,
              ": it decompresses past the ", count, " bytes of data its header promises");
  return all;
}

}  // namespace

IdxArray parse_idx(const std::string& b, const std::string& name) {
  TP_CHECK_AS(DataError, b.size() >= 4, "not an IDX file (too short for the magic number): ", name);
  TP_CHECK_AS(DataError, b[0] == 0 && b[1] == 0, "bad IDX magic number in ", name, " (the first two bytes must be 0)");
  const auto type = static_cast<uint8_t>(b[2]);
  const int ndims = static_cast<uint8_t>(b[3]);
  TP_CHECK_AS(DataError, type == 0x08, "unsupported IDX data type 0x", std::hex, int(type), std::dec, " in ", name,
              " (only unsigned bytes, 0x08)");
  TP_CHECK_AS(DataError, ndims >= 1 && ndims <= 4, "bad IDX dimension count ", ndims, " in ", name);
  const size_t header = 4 + 4 * static_cast<size_t>(ndims);
  TP_CHECK_AS(DataError, b.size() >= header, "IDX header truncated in ", name);
  IdxArray a;
  size_t count = 1;
  for (int i = 0; i < ndims; ++i) {
    const uint32_t d = read_be32(b, 4 + 4 * i);
    TP_CHECK_AS(DataError, d > 0 && d < (1u << 28), "bad IDX dimension ", d, " in ", name);
    a.dims.push_back(d);
    count *= d;
  }
  TP_CHECK_AS(DataError, b.size() - header == count, "IDX size mismatch in ", name, ": the header promises ", count,
              " bytes of data, the file holds ", b.size() - header);
  a.data.assign(reinterpret_cast<const uint8_t*>(b.data()) + header,
                reinterpret_cast<const uint8_t*>(b.data()) + b.size());
  return a;
}

IdxArray read_idx(const std::string& path) {
  const std::string bytes = read_dataset_file(path);
  return parse_idx(is_gzip(bytes) ? inflate_idx(bytes, path) : bytes, path);
}

std::string encode_idx(const IdxArray& a) {
  std::string b;
  b.push_back(0);
  b.push_back(0);
  b.push_back(0x08);
  b.push_back(static_cast<char>(a.dims.size()));
  for (int64_t d : a.dims) write_be32(b, static_cast<uint32_t>(d));
  b.append(reinterpret_cast<const char*>(a.data.data()), a.data.size());
  return b;
}

std::string gzip_bytes(const std::string& in) {
  z_stream zs{};
  TP_CHECK(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK,
           "zlib: deflateInit2 failed");
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(&out[0]);
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t produced = zs.total_out;
  deflateEnd(&zs);
  TP_CHECK(rc == Z_STREAM_END, "zlib: deflate failed");
  out.resize(produced);
  return out;
}

}  // namespace tp::gen
