#include "generative/data/batch_loader.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::gen {

BatchLoader::BatchLoader(torch::Tensor x, torch::Tensor y, int64_t batch_size)
    : x_(std::move(x)), y_(std::move(y)), batch_size_(batch_size) {
  TP_CHECK_AS(UsageError, batch_size_ > 0, "the batch size must be > 0");
  TP_CHECK(x_.defined() && x_.size(0) > 0, "cannot iterate over an empty dataset");
  TP_CHECK(!y_.defined() || y_.size(0) == x_.size(0), "labels and samples differ in count");
  auto shape = x_.sizes().vec();
  shape[0] = std::min(batch_size_, x_.size(0));
  xbuf_ = torch::empty(shape, x_.options());
  if (y_.defined()) ybuf_ = torch::empty({shape[0]}, y_.options());
  perm_ = torch::arange(x_.size(0), torch::kInt64);
}

int64_t BatchLoader::batches_per_epoch() const { return (x_.size(0) + batch_size_ - 1) / batch_size_; }

void BatchLoader::new_epoch() { perm_ = torch::randperm(x_.size(0), torch::kInt64); }

void BatchLoader::set_permutation(const torch::Tensor& perm) {
  TP_CHECK(perm.dim() == 1 && perm.size(0) == x_.size(0), "the saved batch order does not match the dataset size");
  perm_ = perm.to(torch::kInt64).contiguous();
}

std::pair<torch::Tensor, torch::Tensor> BatchLoader::batch(int64_t b) {
  TP_CHECK(b >= 0 && b < batches_per_epoch(), "batch index out of range");
  const int64_t start = b * batch_size_, n = std::min(batch_size_, x_.size(0) - start);
  const auto idx = perm_.narrow(0, start, n);
  auto xb = xbuf_.narrow(0, 0, n);
  torch::index_select_out(xb, x_, 0, idx);
  torch::Tensor yb;
  if (y_.defined()) {
    yb = ybuf_.narrow(0, 0, n);
    torch::index_select_out(yb, y_, 0, idx);
  }
  return {xb, yb};
}

}  // namespace tp::gen
