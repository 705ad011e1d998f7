#include "generative/image_tasks.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::gen {

namespace F = torch::nn::functional;

const std::vector<std::string>& translation_tasks() {
  static const std::vector<std::string> tasks = {"edges", "inpaint", "sr4"};
  return tasks;
}

void check_translation_task(const std::string& task) {
  for (const auto& t : translation_tasks())
    if (t == task) return;
  TP_THROW(UsageError, "unknown translation task '", task, "' (edges, inpaint, sr4)");
}

torch::Tensor edge_map(const torch::Tensor& images) {
  TP_CHECK(images.dim() == 4, "edge_map takes (N, C, H, W) images");
  const int64_t c = images.size(1);
  const auto opts = images.options();
  // Sobel: smoothing [1, 2, 1] across the derivative [-1, 0, 1]; a unit step gives 4.
  const auto sx = torch::tensor({-1.0f, 0.0f, 1.0f, -2.0f, 0.0f, 2.0f, -1.0f, 0.0f, 1.0f}, opts).view({1, 1, 3, 3});
  const auto sy = sx.transpose(2, 3).contiguous();
  const auto padded = F::pad(images, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReplicate));
  const auto conv_opts = F::Conv2dFuncOptions().groups(c);
  const auto gx = F::conv2d(padded, sx.expand({c, 1, 3, 3}), conv_opts);
  const auto gy = F::conv2d(padded, sy.expand({c, 1, 3, 3}), conv_opts);
  const auto magnitude = torch::sqrt(gx * gx + gy * gy) / 4.0;
  return (magnitude >= kEdgeThreshold).to(images.dtype());
}

torch::Tensor mask_centre(const torch::Tensor& images) {
  TP_CHECK(images.dim() == 4, "mask_centre takes (N, C, H, W) images");
  const int64_t h = images.size(2), w = images.size(3);
  auto out = images.clone();
  out.narrow(2, h / 4, h / 2).narrow(3, w / 4, w / 2).fill_(0.5);
  return out;
}

torch::Tensor downsample_4x(const torch::Tensor& images) {
  TP_CHECK(images.dim() == 4 && images.size(2) % 4 == 0 && images.size(3) % 4 == 0,
           "4x downsampling takes (N, C, H, W) images with H and W multiples of 4");
  return F::avg_pool2d(images, F::AvgPool2dFuncOptions(4));
}

torch::Tensor bicubic_upsample(const torch::Tensor& images, int64_t height, int64_t width) {
  return F::interpolate(images, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{height, width})
                                    .mode(torch::kBicubic)
                                    .align_corners(false))
      .clamp(0.0, 1.0);
}

torch::Tensor translation_source(const std::string& task, const torch::Tensor& images) {
  if (task == "edges") return edge_map(images);
  if (task == "inpaint") return mask_centre(images);
  if (task == "sr4") return downsample_4x(images);
  check_translation_task(task);
  return {};
}

torch::Tensor naive_translation(const std::string& task, const torch::Tensor& inputs, int64_t height, int64_t width) {
  if (task == "sr4") return bicubic_upsample(inputs, height, width);
  if (task == "inpaint") return inputs;
  check_translation_task(task);
  return {};
}

std::string naive_translation_name(const std::string& task) {
  if (task == "sr4") return "bicubic";
  if (task == "inpaint") return "the masked input";
  return "";
}

}  // namespace tp::gen
