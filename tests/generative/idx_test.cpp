#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/run_dir.h"
#include "generative/data/dataset.h"
#include "generative/data/idx.h"
#include "tests/test_util.h"

namespace tp::gen {
namespace {

std::string fixture(const std::string& name) { return test::test_data("idx/" + name); }

// The DataError's message must name the offending file.
template <class F>
void expect_data_error_naming(F&& f, const std::string& path, const std::string& phrase) {
  try {
    f();
    FAIL() << "no DataError for " << path;
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
  }
}

TEST(Idx, ReadsPlainAndGzipIdentically) {
  const auto plain = read_idx(fixture("tiny-images-idx3-ubyte"));
  const auto gz = read_idx(fixture("tiny-images-idx3-ubyte.gz"));
  EXPECT_EQ(plain.dims, (std::vector<int64_t>{6, 4, 4}));
  EXPECT_EQ(plain.data.size(), 96u);
  EXPECT_EQ(plain.data, gz.data);
  const auto labels = read_idx(fixture("tiny-labels-idx1-ubyte.gz"));
  EXPECT_EQ(labels.data, (std::vector<uint8_t>{0, 1, 2, 3, 4, 9}));
}

TEST(Idx, EncodeGzipRoundTrip) {
  IdxArray a{{2, 3}, {1, 2, 3, 4, 5, 250}};
  const auto back = parse_idx(encode_idx(a), "mem");
  EXPECT_EQ(back.dims, a.dims);
  EXPECT_EQ(back.data, a.data);
  test::TempDir dir;
  write_file_atomic(dir.file("a.gz"), gzip_bytes(encode_idx(a)));
  EXPECT_EQ(read_idx(dir.file("a.gz")).data, a.data);
}

TEST(Idx, MalformedFilesGiveDataErrorsNamingTheFile) {
  expect_data_error_naming([] { read_idx(fixture("bad-magic-idx3-ubyte")); }, fixture("bad-magic-idx3-ubyte"), "magic");
  expect_data_error_naming([] { read_idx(fixture("size-mismatch-idx3-ubyte")); }, fixture("size-mismatch-idx3-ubyte"),
                           "size mismatch");
  expect_data_error_naming([] { read_idx(fixture("truncated-idx3-ubyte.gz")); }, fixture("truncated-idx3-ubyte.gz"),
                           "truncated gzip");
  expect_data_error_naming([] { read_idx(fixture("no-such-file")); }, fixture("no-such-file"), "not found");
}

// A gzip bomb: 64 MiB of zeros (64 KiB compressed) behind an IDX header that promises 100
// bytes is refused once inflation passes 101 bytes, not after inflating it all.
TEST(Idx, GzipBombStopsAtTheSizeTheHeaderPromises) {
  IdxArray a{{10, 10}, std::vector<uint8_t>(100, 7)};
  std::string bytes = encode_idx(a);
  bytes.append(size_t{64} << 20, '\0');
  test::TempDir dir;
  write_file_atomic(dir.file("bomb-idx2-ubyte.gz"), gzip_bytes(bytes));
  expect_data_error_naming([&] { read_idx(dir.file("bomb-idx2-ubyte.gz")); }, dir.file("bomb-idx2-ubyte.gz"),
                           "decompresses past the 100 bytes");
}

TEST(Idx, LabelCountMismatchIsADataError) {
  expect_data_error_naming(
      [] { load_idx_pair(fixture("tiny-images-idx3-ubyte"), fixture("five-labels-idx1-ubyte"), "tiny"); },
      fixture("five-labels-idx1-ubyte"), "size mismatch");
}

TEST(Idx, LoadsAPairAsFloatImagesInUnitRange) {
  const auto d = load_idx_pair(fixture("tiny-images-idx3-ubyte.gz"), fixture("tiny-labels-idx1-ubyte.gz"), "tiny");
  ASSERT_TRUE(d.is_image());
  EXPECT_EQ(d.x.sizes(), (torch::IntArrayRef{6, 1, 4, 4}));
  EXPECT_EQ(d.num_classes, 10);
  const auto raw = read_idx(fixture("tiny-images-idx3-ubyte"));
  EXPECT_FLOAT_EQ(d.x[2][0][1][3].item<float>(), raw.data[2 * 16 + 1 * 4 + 3] / 255.0f);
  EXPECT_EQ(d.y[5].item<int64_t>(), 9);
}

TEST(Dataset, MissingFolderAndUnknownFilesAreDataErrors) {
  test::TempDir dir;
  EXPECT_THROW(load_dataset(dir.file("nope"), Split::Train), DataError);
  // A folder without the MNIST file names: the error names the missing file.
  expect_data_error_naming([&] { load_dataset(dir.path(), Split::Test); }, dir.path() + "/t10k-images-idx3-ubyte.gz",
                           "not found");
}

TEST(Dataset, FolderOfMnistFormatFiles) {
  test::TempDir dir;
  IdxArray images{{3, 8, 8}, std::vector<uint8_t>(192, 128)};
  IdxArray labels{{3}, {1, 2, 3}};
  write_file_atomic(dir.file("t10k-images-idx3-ubyte"), encode_idx(images));
  write_file_atomic(dir.file("t10k-labels-idx1-ubyte.gz"), gzip_bytes(encode_idx(labels)));
  const auto d = load_dataset(dir.path(), Split::Test);
  EXPECT_EQ(d.size(), 3);
  EXPECT_NEAR(d.x.mean().item<double>(), 128.0 / 255.0, 1e-6);
}

}  // namespace
}  // namespace tp::gen
