#pragma once
// Datasets for the generative models, each loaded whole into one tensor.
//   fashion-mnist     the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)
//   DIR               any MNIST-format folder: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
//   ring8 grid25 moons synthetic 2-D sets (generative/data/synthetic.h)
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace tp::gen {

enum class Split { Train, Test };

struct Dataset {
  std::string name;      // the --data value
  torch::Tensor x;       // float32: images (N, C, H, W) in [0, 1], or points (N, 2)
  torch::Tensor y;       // int64 labels (N); undefined when the set has none
  int64_t num_classes = 0;

  int64_t size() const { return x.defined() ? x.size(0) : 0; }
  bool is_image() const { return x.defined() && x.dim() == 4; }
};

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// The name of class `label` in the set `spec` ("Bag" for Fashion-MNIST's 8); "" for a set
// without names (an IDX folder, a label out of range).
std::string class_name(const std::string& spec, int64_t label);

// True for the synthetic 2-D set names.
bool is_synthetic(const std::string& spec);
// Loads a split of `spec`. Synthetic sets draw `synthetic_size` points from a generator
// seeded with `seed` (the test split uses a different stream). Throws DataError naming the
// file for a missing or malformed file, UsageError for an unknown name.
Dataset load_dataset(const std::string& spec, Split split, uint64_t seed = 1, int64_t synthetic_size = 100000);
// An images/labels pair of IDX files (labels_path may be empty: no labels).
Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path, const std::string& name);

}  // namespace tp::gen
