#include "core/payload_check.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/pickle_check.h"

namespace tp {

namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50, kZip64Locator = 0x07064b50, kZip64End = 0x06064b50,
                   kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;

struct Record {
  std::string name;
  uint64_t data_at = 0, size = 0;
};

// The records of a zip archive (PKWARE APPNOTE 6.3: end of central directory, ZIP64 when a
// field overflows, central directory entries, local headers), each checked to be stored
// uncompressed, as LibTorch writes them, and to lie inside the archive.
std::vector<Record> zip_records(std::string_view b) {
  TP_CHECK(b.size() >= 22, "the tensor archive is not a zip archive");
  uint64_t end = b.size() - 22;
  const uint64_t lowest = b.size() > 22 + 65535 ? b.size() - 22 - 65535 : 0;
  while (little_endian(b, end, 4) != kEndOfDirectory) {
    TP_CHECK(end > lowest, "the tensor archive is not a zip archive");
    --end;
  }
  uint64_t entries = little_endian(b, end + 10, 2), dir_size = little_endian(b, end + 12, 4),
           dir_at = little_endian(b, end + 16, 4);
  if (entries == 0xFFFF || dir_size == 0xFFFFFFFF || dir_at == 0xFFFFFFFF) {
    TP_CHECK(end >= 20 && little_endian(b, end - 20, 4) == kZip64Locator,
             "the tensor archive's ZIP64 locator is missing");
    const uint64_t end64 = little_endian(b, end - 20 + 8, 8);
    TP_CHECK(little_endian(b, end64, 4) == kZip64End, "the tensor archive's ZIP64 directory end is corrupt");
    entries = little_endian(b, end64 + 32, 8);
    dir_size = little_endian(b, end64 + 40, 8);
    dir_at = little_endian(b, end64 + 48, 8);
  }
  TP_CHECK(dir_at <= b.size() && dir_size <= b.size() - dir_at && entries <= dir_size / 46,
           "the tensor archive's directory lies outside it");
  std::vector<Record> records;
  uint64_t at = dir_at;
  for (uint64_t i = 0; i < entries; ++i) {
    TP_CHECK(little_endian(b, at, 4) == kDirectoryEntry, "the tensor archive's directory is corrupt");
    const uint64_t method = little_endian(b, at + 10, 2), name_len = little_endian(b, at + 28, 2),
                   extra_len = little_endian(b, at + 30, 2), comment_len = little_endian(b, at + 32, 2);
    uint64_t compressed = little_endian(b, at + 20, 4), size = little_endian(b, at + 24, 4),
             local = little_endian(b, at + 42, 4);
    Record r;
    TP_CHECK(at + 46 <= b.size(), "the tensor archive's directory is corrupt");
    r.name = std::string(b.substr(at + 46, name_len));
    // ZIP64 extended information: 8-byte values for the fields that overflowed, in this order.
    for (uint64_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const uint64_t id = little_endian(b, x, 2), len = little_endian(b, x + 2, 2);
      if (id == 1) {
        uint64_t v = x + 4;
        if (size == 0xFFFFFFFF) size = little_endian(b, v, 8), v += 8;
        if (compressed == 0xFFFFFFFF) compressed = little_endian(b, v, 8), v += 8;
        if (local == 0xFFFFFFFF) local = little_endian(b, v, 8);
      }
      x += 4 + len;
    }
    TP_CHECK(method == 0 && compressed == size, "the tensor archive holds a compressed record '", r.name, "'");
    TP_CHECK(local < dir_at && little_endian(b, local, 4) == kLocalHeader, "the tensor archive's record '", r.name,
             "' is corrupt");
    r.data_at = local + 30 + little_endian(b, local + 26, 2) + little_endian(b, local + 28, 2);
    TP_CHECK(r.data_at <= dir_at && size <= dir_at - r.data_at, "the tensor archive's record '", r.name,
             "' lies outside it");
    r.size = size;
    records.push_back(std::move(r));
    at += 46 + name_len + extra_len + comment_len;
  }
  return records;
}

}  // namespace

void check_payload_bounds(std::string_view payload) {
  const std::vector<Record> records = zip_records(payload);
  for (const Record& r : records) {
    const std::string suffix = "data.pkl";
    if (r.name.size() >= suffix.size() && r.name.compare(r.name.size() - suffix.size(), suffix.size(), suffix) == 0)
      check_checkpoint_pickle(payload.substr(r.data_at, r.size));
  }
}

}  // namespace tp
