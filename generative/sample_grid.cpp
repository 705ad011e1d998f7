#include "generative/sample_grid.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "generative/data/synthetic.h"

namespace tp::gen {

Image image_grid(const torch::Tensor& images, int columns, int padding) {
  TP_CHECK(images.dim() == 4 && images.size(0) > 0, "image_grid expects (N, C, H, W) images");
  const int64_t c = images.size(1);
  TP_CHECK(c == 1 || c == 3, "image_grid expects 1 or 3 channels, not ", c);
  // [0, 1] -> 0..255 with rounding; NHWC bytes.
  auto bytes = images.detach()
                   .to(torch::kCPU, torch::kFloat32)
                   .clamp(0.0, 1.0)
                   .mul(255.0)
                   .round_()
                   .to(torch::kUInt8)
                   .permute({0, 2, 3, 1})
                   .contiguous();
  const int h = static_cast<int>(images.size(2)), w = static_cast<int>(images.size(3));
  std::vector<Image> tiles;
  const uint8_t* p = bytes.data_ptr<uint8_t>();
  const size_t per = static_cast<size_t>(h) * w * c;
  for (int64_t i = 0; i < images.size(0); ++i) {
    Image t(w, h, static_cast<int>(c));
    std::copy(p + i * per, p + (i + 1) * per, t.pixels.begin());
    tiles.push_back(std::move(t));
  }
  return tile_grid(tiles, columns, padding, 64);
}

torch::Tensor interleave_rows(const std::vector<torch::Tensor>& sets, int64_t columns) {
  TP_CHECK(!sets.empty() && columns > 0, "interleave_rows needs image sets and columns > 0");
  const int64_t n = sets[0].size(0);
  for (const auto& set : sets) TP_CHECK(set.size(0) == n, "interleaved image sets must be of one size");
  std::vector<torch::Tensor> rows;
  for (int64_t s = 0; s < n; s += columns) {
    const int64_t m = std::min(columns, n - s);
    for (const auto& set : sets) rows.push_back(set.narrow(0, s, m));
  }
  return torch::cat(rows, 0);
}

torch::Tensor image_tensor(const Image& image, int64_t channels) {
  TP_CHECK(channels == 1 || channels == 3, "image_tensor makes 1 or 3 channels, not ", channels);
  TP_CHECK(image.width > 0 && image.height > 0 && (image.channels == 1 || image.channels == 3) &&
               image.pixels.size() == static_cast<size_t>(image.width) * image.height * image.channels,
           "image_tensor needs a whole 1- or 3-channel image");
  auto t = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()), {image.height, image.width, image.channels},
                            torch::kUInt8)
               .to(torch::kFloat32)
               .div(255.0)
               .permute({2, 0, 1})
               .unsqueeze(0);
  if (image.channels == 3 && channels == 1) t = t.mean(1, true);
  if (image.channels == 1 && channels == 3) t = t.repeat({1, 3, 1, 1});
  return t.contiguous();
}

PlotExtent scatter_extent(const std::string& synthetic) {
  if (synthetic == "ring8") return {-3.0, 3.0};
  if (synthetic == "grid25") return {-5.5, 5.5};
  if (synthetic == "moons") return {-1.5, 2.5};
  return {-4.0, 4.0};
}

namespace {
void dot(Image& img, double px, double py, int radius, uint8_t value) {
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx) {
      const int x = static_cast<int>(std::lround(px)) + dx, y = static_cast<int>(std::lround(py)) + dy;
      if (x >= 0 && y >= 0 && x < img.width && y < img.height) *img.at(x, y) = std::min(*img.at(x, y), value);
    }
}
}  // namespace

Image scatter_plot(const torch::Tensor& points, const std::string& synthetic, int size) {
  TP_CHECK(points.dim() == 2 && points.size(1) == 2, "scatter_plot expects (N, 2) points");
  Image img(size, size, 1, 255);
  const PlotExtent e = scatter_extent(synthetic);
  const double scale = size / (e.hi - e.lo);
  auto to_px = [&](double v) { return (v - e.lo) * scale; };
  // Grid lines at the whole numbers, so positions can be read off (the viewer labels them).
  for (int v = static_cast<int>(std::ceil(e.lo)); v <= static_cast<int>(std::floor(e.hi)); ++v) {
    const uint8_t shade = v == 0 ? 150 : 225;
    // Where the dots of x = v and of y = v fall (y up), kept inside the picture.
    const int column = std::clamp(static_cast<int>(std::lround(to_px(v))), 0, size - 1);
    const int row = std::clamp(static_cast<int>(std::lround(size - to_px(v))), 0, size - 1);
    for (int i = 0; i < size; ++i) {
      *img.at(column, i) = std::min(*img.at(column, i), shade);
      *img.at(i, row) = std::min(*img.at(i, row), shade);
    }
  }
  if (auto kind = synthetic_kind(synthetic)) {
    const SyntheticModes modes = synthetic_modes(*kind);
    // Modes in grey: a disc of 3 std around each center, or the moons' arcs.
    if (!modes.centers.empty()) {
      for (const auto& c : modes.centers)
        dot(img, to_px(c[0]), size - to_px(c[1]), std::max(2, int(3 * modes.std * scale)), 200);
    } else {
      for (int i = 0; i <= 400; ++i) {
        const double t = 3.14159265358979 * i / 400;
        dot(img, to_px(std::cos(t)), size - to_px(std::sin(t)), 1, 200);
        dot(img, to_px(1 - std::cos(t)), size - to_px(0.5 - std::sin(t)), 1, 200);
      }
    }
  }
  auto pts = points.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  const double* p = pts.data_ptr<double>();
  for (int64_t i = 0; i < pts.size(0); ++i) dot(img, to_px(p[2 * i]), size - to_px(p[2 * i + 1]), 1, 0);
  return img;
}

Image render_samples(const torch::Tensor& samples, const std::string& synthetic, int columns) {
  if (samples.dim() == 4) return image_grid(samples, columns);
  return scatter_plot(samples, synthetic);
}

}  // namespace tp::gen
