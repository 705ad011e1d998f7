#include "generative/models/image_history.h"

#include <torch/torch.h>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::gen {

ImageHistory::ImageHistory(int64_t capacity) : capacity_(capacity) {
  TP_CHECK_AS(UsageError, capacity >= 0, "the image history's size must be >= 0, not ", capacity);
}

torch::Tensor ImageHistory::query(const torch::Tensor& images) {
  if (capacity_ == 0) return images;
  torch::NoGradGuard no_grad;
  const auto fresh = images.detach();
  std::vector<torch::Tensor> out;
  out.reserve(static_cast<size_t>(fresh.size(0)));
  for (int64_t i = 0; i < fresh.size(0); ++i) {
    const auto image = fresh.narrow(0, i, 1);
    if (size() < capacity_) {
      images_ = images_.defined() ? torch::cat({images_, image.clone()}, 0) : image.clone();
      out.push_back(image);
    } else if (torch::rand({1}, torch::kFloat64).item<double>() < 0.5) {
      const int64_t k = torch::randint(capacity_, {1}, torch::kInt64).item<int64_t>();
      out.push_back(images_.narrow(0, k, 1).clone());
      images_.narrow(0, k, 1).copy_(image);
    } else {
      out.push_back(image);
    }
  }
  return torch::cat(out, 0);
}

void ImageHistory::to(torch::Device device) {
  if (images_.defined()) images_ = images_.to(device);
}

void ImageHistory::save(CheckpointWriter& w, const std::string& key) const {
  w.add_tensor(key, images_.defined() ? images_.to(torch::kCPU) : torch::empty({0}));
}

void ImageHistory::load(CheckpointReader& r, const std::string& key) {
  const auto t = r.tensor(key);
  TP_CHECK_AS(CheckpointError, t.numel() == 0 || (t.dim() >= 2 && t.size(0) <= capacity_), "checkpoint entry ", key,
              " holds ", t.dim() >= 1 ? t.size(0) : 0, " images for a history of ", capacity_);
  images_ = t.numel() == 0 ? torch::Tensor() : t;
}

}  // namespace tp::gen
