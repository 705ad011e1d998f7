#include "generative/data/dataset.h"

#include <torch/torch.h>

#include <cstring>

#include "core/error.h"
#include "core/run_dir.h"
#include "generative/data/idx.h"
#include "generative/data/synthetic.h"

namespace tp::gen {

namespace {
// "DIR/train-images-idx3-ubyte", with ".gz" when only the compressed file exists (a missing
// file is reported under the compressed name, the form the Debian package ships).
std::string find_idx(const std::string& dir, const std::string& stem) {
  const std::string plain = dir + "/" + stem;
  if (file_exists(plain)) return plain;
  return plain + ".gz";
}
}  // namespace

std::string class_name(const std::string& spec, int64_t label) {
  // Xiao et al. 2017, Fashion-MNIST's label table.
  static const char* const kFashion[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                         "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  if (spec == "fashion-mnist" && label >= 0 && label < 10) return kFashion[label];
  return "";
}

bool is_synthetic(const std::string& spec) { return synthetic_kind(spec).has_value(); }

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path, const std::string& name) {
  const IdxArray images = read_idx(images_path);
  TP_CHECK_AS(DataError, images.dims.size() == 3 || images.dims.size() == 4, "expected an image IDX file (3 or 4 dims: N, H, W[, C]) in ",
              images_path, ", got ", images.dims.size(), " dims");
  const int64_t n = images.dims[0], h = images.dims[1], w = images.dims[2];
  const int64_t c = images.dims.size() == 4 ? images.dims[3] : 1;
  Dataset d;
  d.name = name;
  auto bytes = torch::from_blob(const_cast<uint8_t*>(images.data.data()), {n, h, w, c}, torch::kUInt8);
  d.x = bytes.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255.0).contiguous();
  if (!labels_path.empty()) {
    const IdxArray labels = read_idx(labels_path);
    TP_CHECK_AS(DataError, labels.dims.size() == 1, "expected a label IDX file (1 dim) in ", labels_path);
    TP_CHECK_AS(DataError, labels.dims[0] == n, "size mismatch: ", labels_path, " holds ", labels.dims[0],
                " labels for the ", n, " images of ", images_path);
    d.y = torch::from_blob(const_cast<uint8_t*>(labels.data.data()), {n}, torch::kUInt8).to(torch::kInt64);
    d.num_classes = d.y.max().item<int64_t>() + 1;
    // Fashion-MNIST and MNIST have 10 classes; a small subset may not show them all.
    if (d.num_classes < 10 && d.num_classes > 1) d.num_classes = 10;
  }
  return d;
}

Dataset load_dataset(const std::string& spec, Split split, uint64_t seed, int64_t synthetic_size) {
  TP_CHECK_AS(UsageError, !spec.empty(), "--data is empty (fashion-mnist, a folder of IDX files, ring8, grid25, moons)");
  if (auto kind = synthetic_kind(spec)) {
    TP_CHECK_AS(UsageError, synthetic_size > 0, "the synthetic set size must be > 0");
    Dataset d;
    d.name = spec;
    d.x = sample_synthetic(*kind, synthetic_size, split == Split::Train ? seed : seed ^ 0x7e57da7aULL);
    return d;
  }
  const std::string dir = spec == "fashion-mnist" ? std::string(kFashionMnistDir) : spec;
  TP_CHECK_AS(DataError, file_exists(dir), "dataset '", spec, "': folder not found: ", dir,
              spec == "fashion-mnist" ? " (install the Debian package dataset-fashion-mnist)" : "");
  const std::string prefix = split == Split::Train ? "train" : "t10k";
  return load_idx_pair(find_idx(dir, prefix + "-images-idx3-ubyte"), find_idx(dir, prefix + "-labels-idx1-ubyte"), spec);
}

}  // namespace tp::gen
