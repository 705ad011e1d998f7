#pragma once
// The history of generated images CycleGAN's discriminators learn from (Zhu et al. 2017,
// section 4, after Shrivastava et al. 2017): D is updated on images from earlier generators as
// well as the latest one's, which damps the oscillation of G and D chasing each other.
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace tp {
class CheckpointWriter;
class CheckpointReader;
}  // namespace tp

namespace tp::gen {

class ImageHistory {
 public:
  explicit ImageHistory(int64_t capacity);  // Zhu et al.: 50 (0: no history)
  // The images D sees in place of `images` (N, ...): image by image, while the history holds
  // fewer than `capacity` it keeps the new image and returns it; afterwards, with probability
  // 1/2, it returns a kept image (uniformly chosen) and keeps the new one in its place, else
  // returns the new image. Draws from LibTorch's default generator (the training loop
  // checkpoints it).
  torch::Tensor query(const torch::Tensor& images);
  int64_t size() const { return images_.defined() ? images_.size(0) : 0; }
  void to(torch::Device device);
  void save(CheckpointWriter& writer, const std::string& key) const;
  void load(CheckpointReader& reader, const std::string& key);

 private:
  int64_t capacity_;
  torch::Tensor images_;  // (size, ...) on the images' device; undefined while empty
};

}  // namespace tp::gen
