#include "core/payload_check.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"

namespace tp {

namespace {

// Little-endian field of `n` bytes at `at`; throws when it lies past the end.
uint64_t field(std::string_view b, uint64_t at, int n) {
  TP_CHECK(at <= b.size() && static_cast<uint64_t>(n) <= b.size() - at, "the tensor archive is truncated");
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(b[at + static_cast<uint64_t>(i)]);
  return v;
}

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
  while (field(b, end, 4) != kEndOfDirectory) {
    TP_CHECK(end > lowest, "the tensor archive is not a zip archive");
    --end;
  }
  uint64_t entries = field(b, end + 10, 2), dir_size = field(b, end + 12, 4), dir_at = field(b, end + 16, 4);
  if (entries == 0xFFFF || dir_size == 0xFFFFFFFF || dir_at == 0xFFFFFFFF) {
    TP_CHECK(end >= 20 && field(b, end - 20, 4) == kZip64Locator, "the tensor archive's ZIP64 locator is missing");
    const uint64_t end64 = field(b, end - 20 + 8, 8);
    TP_CHECK(field(b, end64, 4) == kZip64End, "the tensor archive's ZIP64 directory end is corrupt");
    entries = field(b, end64 + 32, 8);
    dir_size = field(b, end64 + 40, 8);
    dir_at = field(b, end64 + 48, 8);
  }
  TP_CHECK(dir_at <= b.size() && dir_size <= b.size() - dir_at && entries <= dir_size / 46,
           "the tensor archive's directory lies outside it");
  std::vector<Record> records;
  uint64_t at = dir_at;
  for (uint64_t i = 0; i < entries; ++i) {
    TP_CHECK(field(b, at, 4) == kDirectoryEntry, "the tensor archive's directory is corrupt");
    const uint64_t method = field(b, at + 10, 2), name_len = field(b, at + 28, 2), extra_len = field(b, at + 30, 2),
                   comment_len = field(b, at + 32, 2);
    uint64_t compressed = field(b, at + 20, 4), size = field(b, at + 24, 4), local = field(b, at + 42, 4);
    Record r;
    TP_CHECK(at + 46 <= b.size(), "the tensor archive's directory is corrupt");
    r.name = std::string(b.substr(at + 46, name_len));
    // ZIP64 extended information: 8-byte values for the fields that overflowed, in this order.
    for (uint64_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const uint64_t id = field(b, x, 2), len = field(b, x + 2, 2);
      if (id == 1) {
        uint64_t v = x + 4;
        if (size == 0xFFFFFFFF) size = field(b, v, 8), v += 8;
        if (compressed == 0xFFFFFFFF) compressed = field(b, v, 8), v += 8;
        if (local == 0xFFFFFFFF) local = field(b, v, 8);
      }
      x += 4 + len;
    }
    TP_CHECK(method == 0 && compressed == size, "the tensor archive holds a compressed record '", r.name, "'");
    TP_CHECK(local < dir_at && field(b, local, 4) == kLocalHeader, "the tensor archive's record '", r.name,
             "' is corrupt");
    r.data_at = local + 30 + field(b, local + 26, 2) + field(b, local + 28, 2);
    TP_CHECK(r.data_at <= dir_at && size <= dir_at - r.data_at, "the tensor archive's record '", r.name,
             "' lies outside it");
    r.size = size;
    records.push_back(std::move(r));
    at += 46 + name_len + extra_len + comment_len;
  }
  return records;
}

// Walks the opcodes of a pickle (protocol 2, what torch::pickle_save writes), checking that
// every argument, and every length-prefixed string or byte run, lies inside it. Opcodes that
// torchplay's checkpoints never hold (and those the unpickler would refuse) are refused here.
void check_pickle(std::string_view p) {
  uint64_t at = 0;
  auto skip = [&](uint64_t n) {
    TP_CHECK(n <= p.size() - at, "the pickled entries run past their record (", n, " bytes declared)");
    at += n;
  };
  auto length = [&](int width) {
    const uint64_t n = field(p, at, width);
    skip(static_cast<uint64_t>(width));
    return n;
  };
  while (at < p.size()) {
    const auto op = static_cast<uint8_t>(p[at++]);
    switch (op) {
      case '.':  // STOP
        return;
      case '(':
      case '}':
      case ']':
      case ')':
      case 't':
      case 's':
      case 'u':
      case 'a':
      case 'e':
      case 'R':
      case 'b':
      case 'N':
      case 'Q':
      case 'l':
      case 'd':
      case 0x85:
      case 0x86:
      case 0x87:
      case 0x88:
      case 0x89:
      case 0x81:
      case 0x94:
        break;  // no argument
      case 0x80:
      case 'q':
      case 'h':
      case 'K':  // PROTO, BINPUT, BINGET, BININT1
        skip(1);
        break;
      case 'M':  // BININT2
        skip(2);
        break;
      case 'r':
      case 'j':
      case 'J':  // LONG_BINPUT, LONG_BINGET, BININT
        skip(4);
        break;
      case 'G':
      case 0x95:  // BINFLOAT, FRAME
        skip(8);
        break;
      case 0x8a:
      case 'U':
      case 'C':
      case 0x8c:  // LONG1, SHORT_BINSTRING, SHORT_BINBYTES, SHORT_BINUNICODE
        skip(length(1));
        break;
      case 'X':
      case 'B':
      case 'T':  // BINUNICODE, BINBYTES, BINSTRING
        skip(length(4));
        break;
      case 0x8d:
      case 0x8e:  // BINUNICODE8, BINBYTES8
        skip(length(8));
        break;
      case 'c': {  // GLOBAL: module and name, each ended by a newline
        for (int line = 0; line < 2; ++line) {
          const size_t nl = p.find('\n', at);
          TP_CHECK(nl != std::string_view::npos, "the pickled entries end inside a name");
          at = nl + 1;
        }
        break;
      }
      default:
        TP_THROW(Error, "the pickled entries hold opcode ", static_cast<int>(op), ", which no checkpoint uses");
    }
  }
  TP_THROW(Error, "the pickled entries have no end");
}

}  // namespace

void check_payload_bounds(std::string_view payload) {
  const std::vector<Record> records = zip_records(payload);
  for (const Record& r : records) {
    const std::string suffix = "data.pkl";
    if (r.name.size() >= suffix.size() && r.name.compare(r.name.size() - suffix.size(), suffix.size(), suffix) == 0)
      check_pickle(payload.substr(r.data_at, r.size));
  }
}

}  // namespace tp
