#pragma once
// The image-to-image tasks the translation models (pix2pix) learn, each a fixed rule that
// makes the model's input from a dataset image, so every training and test image gives a
// (input, truth) pair (docs/generative.md, "Image-to-image translation"):
//   edges:   the image's edge map: Sobel gradient magnitude (normalized so a 0 -> 1 step gives 1)
//            >= kEdgeThreshold, as 1, else 0; the image border is replicated, so it adds no edge;
//   inpaint: the image with its centre square (half the side) filled with mid-grey 0.5.
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
// The input `task` makes from `images`.
torch::Tensor translation_source(const std::string& task, const torch::Tensor& images);

}  // namespace tp::gen
