// Fuzz target: an IDX dataset file (MNIST format), plain or gzip-compressed. Promise (idx.h):
// a DataError naming the file, never a crash; a compressed file is inflated only as far as
// its header allows. Oracle: what is accepted holds exactly product(dims) bytes and encodes
// back to the same array.
#include <cstdio>
#include <cstdlib>

#include "generative/data/idx.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tp::fuzz::ScratchFile file("data.idx");
  const std::string& path = file.write(std::string(reinterpret_cast<const char*>(data), size));
  tp::gen::IdxArray array;
  if (!tp::fuzz::refused_or_read<tp::DataError>([&] { array = tp::gen::read_idx(path); }, 1000)) return 0;
  size_t expected = 1;
  for (int64_t d : array.dims) expected *= static_cast<size_t>(d);
  tp::gen::IdxArray again;
  if (array.data.size() != expected || !tp::fuzz::refused_or_read<tp::DataError>([&] {
        again = tp::gen::parse_idx(tp::gen::encode_idx(array), "again.idx");
      }) ||
      again.dims != array.dims || again.data != array.data) {
    std::fprintf(stderr, "finding: an accepted IDX array does not round-trip\n");
    std::abort();
  }
  return 0;
}
