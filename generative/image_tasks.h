#pragma once
// The image-to-image tasks the translation models (pix2pix) learn, each a fixed rule that
// makes the model's input from a dataset image, so every training and test image gives a
// (input, truth) pair (docs/generative.md, "Image-to-image translation"):
//   edges:   the image's edge map: Sobel gradient magnitude (normalized so a 0 -> 1 step gives 1)
//            >= kEdgeThreshold, as 1, else 0; the image border is replicated, so it adds no edge;
//   inpaint: the image with its centre square (half the side) filled with mid-grey 0.5;
//   sr4:     the image at a quarter of its side (28x28 -> 7x7), each pixel the mean of its 4x4
//            block (area averaging); the model upscales it 4x.
// Each task but edges also has a naive answer, the baseline its models must beat: bicubic
// upsampling for sr4, the masked image itself for inpaint.
#include <torch/types.h>

#include <string>
#include <vector>

namespace tp::gen {

constexpr double kEdgeThreshold = 0.25;

const std::vector<std::string>& translation_tasks();
// UsageError for a task not in translation_tasks().
void check_translation_task(const std::string& task);

// images: (N, C, H, W) in [0, 1]; the result has the same shape, in [0, 1].
torch::Tensor edge_map(const torch::Tensor& images);
torch::Tensor mask_centre(const torch::Tensor& images);
torch::Tensor downsample_4x(const torch::Tensor& images);  // H and W multiples of 4
// Bicubic upsampling (a = -0.75, as PyTorch's and OpenCV's) to (height, width), clipped to [0, 1].
torch::Tensor bicubic_upsample(const torch::Tensor& images, int64_t height, int64_t width);
// The input `task` makes from `images`.
torch::Tensor translation_source(const std::string& task, const torch::Tensor& images);
// The task's naive answer for inputs, as images of (height, width); undefined for edges.
torch::Tensor naive_translation(const std::string& task, const torch::Tensor& inputs, int64_t height, int64_t width);
// Its name in reports ("bicubic", "the masked input"); empty for edges.
std::string naive_translation_name(const std::string& task);

}  // namespace tp::gen
