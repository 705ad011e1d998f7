#pragma once
// 8-bit PNG images (gray or RGB) written with libpng, and a grid tiler that lays out many
// small images as one picture (sample grids, recorded frames). No LibTorch here: callers
// convert their tensors to bytes first (generative/sample_grid.h does it for models).
#include <cstdint>
#include <string>
#include <vector>

namespace tp {

struct Image {
  int width = 0, height = 0;
  int channels = 1;             // 1 (gray) or 3 (RGB)
  std::vector<uint8_t> pixels;  // row-major, interleaved channels: height * width * channels

  Image() = default;
  Image(int w, int h, int c, uint8_t fill = 0);
  uint8_t* at(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * width + x) * channels; }
  const uint8_t* at(int x, int y) const { return pixels.data() + (static_cast<size_t>(y) * width + x) * channels; }
};

// PNG bytes of `image` (throws tp::Error for an empty image or a bad channel count).
std::string encode_png(const Image& image);
// Writes `image` as a PNG file atomically; throws tp::Error naming the file on failure.
void write_png(const std::string& path, const Image& image);
// Decodes a PNG file written by write_png (8-bit gray or RGB); throws tp::DataError naming
// the file if it is missing or not such a PNG. Used by tests and viewers.
Image read_png(const std::string& path);

// Tiles equally sized `tiles` into rows of `columns`, separated (and framed) by `padding`
// pixels of `background`. Fewer tiles than a full last row leave the rest background.
Image tile_grid(const std::vector<Image>& tiles, int columns, int padding = 2, uint8_t background = 0);

// `image` enlarged `factor` times (>= 1) by repeating pixels: small samples (28x28) made
// visible without blurring them.
Image upscaled(const Image& image, int factor);

}  // namespace tp
