#pragma once
// A folder of MNIST-format files for tests of the image models: 64 training and 32 test
// images of 28x28 bars (labels 0..9, the bar's height by label), the train images gzipped as
// the real files are. Small enough that an epoch takes a moment.
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/run_dir.h"
#include "generative/data/idx.h"

namespace tp::test {

inline void write_tiny_mnist(const std::string& dir) {
  Rng rng(5);
  for (const std::string split : {"train", "t10k"}) {
    const int n = split == "train" ? 64 : 32;
    gen::IdxArray images{{n, 28, 28}, std::vector<uint8_t>(static_cast<size_t>(n) * 784)};
    gen::IdxArray labels{{n}, std::vector<uint8_t>(static_cast<size_t>(n))};
    for (int i = 0; i < n; ++i) {
      labels.data[static_cast<size_t>(i)] = static_cast<uint8_t>(i % 10);
      for (int p = 0; p < 784; ++p)
        images.data[static_cast<size_t>(i * 784 + p)] =
            static_cast<uint8_t>((p / 28 > 5 + i % 10 && p / 28 < 20) ? 200 + rng.below(50) : rng.below(20));
    }
    write_file_atomic(dir + "/" + split + "-images-idx3-ubyte.gz", gen::gzip_bytes(gen::encode_idx(images)));
    write_file_atomic(dir + "/" + split + "-labels-idx1-ubyte", gen::encode_idx(labels));
  }
}

}  // namespace tp::test
