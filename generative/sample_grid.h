#pragma once
// Pictures of samples: image tensors in [0, 1] tiled into a grid, 2-D points drawn as a
// scatter plot over the data set's modes. Used for samples/epoch_NNN.png, `generate`, and
// the sample viewer.
#include <torch/types.h>

#include <string>
#include <vector>

#include "core/png_image.h"

namespace tp::gen {

// (N, C, H, W) in [0, 1] (values outside are clipped; C = 1 or 3) -> a grid with `columns`.
Image image_grid(const torch::Tensor& images, int columns, int padding = 2);
// The square of the plane a scatter plot of `synthetic`'s points shows: x and y both run
// from lo (left, bottom) to hi.
struct PlotExtent {
  double lo, hi;
};
PlotExtent scatter_extent(const std::string& synthetic);
// (N, 2) points -> a `size` x `size` white picture over scatter_extent: grid lines at the
// whole numbers (the axes x = 0, y = 0 darker), the modes of `synthetic` (ring8, grid25,
// moons; empty: none) in grey, and the points as black 3 x 3 dots.
Image scatter_plot(const torch::Tensor& points, const std::string& synthetic, int size = 400);
// Image sets of equal size (N, C, H, W) as alternating rows of `columns`: the first
// `columns` of each set in turn, then the next `columns` of each, ... (originals above their
// reconstructions, or inputs above outputs above truths).
torch::Tensor interleave_rows(const std::vector<torch::Tensor>& sets, int64_t columns);
// A picture as a (1, channels, H, W) tensor in [0, 1] (the inverse of image_grid for one
// tile): RGB is averaged to grey for channels 1, grey repeated for channels 3.
torch::Tensor image_tensor(const Image& image, int64_t channels);
// Either of the above, by the tensor's shape.
Image render_samples(const torch::Tensor& samples, const std::string& synthetic, int columns);

}  // namespace tp::gen
