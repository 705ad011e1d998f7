#include "core/png_image.h"

#include <png.h>

#include <cstdio>
#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "core/run_dir.h"

namespace tp {

Image::Image(int w, int h, int c, uint8_t fill)
    : width(w), height(h), channels(c), pixels(static_cast<size_t>(w) * h * c, fill) {}

namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}
void flush_nothing(png_structp) {}

// libpng reports errors by longjmp. Exceptions must not unwind through libpng's C frames, so
// the handler records the message and jumps back to the setjmp in the caller, which throws.
// Objects with destructors are all constructed before that setjmp.
struct PngErrorMessage {
  char text[256] = "";
};
void on_png_error(png_structp png, png_const_charp message) {
  auto* err = static_cast<PngErrorMessage*>(png_get_error_ptr(png));
  std::snprintf(err->text, sizeof(err->text), "%s", message);
  png_longjmp(png, 1);
}
void on_png_warning(png_structp, png_const_charp) {}

struct WriteGuard {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~WriteGuard() { png_destroy_write_struct(&png, info ? &info : nullptr); }
};
struct ReadGuard {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~ReadGuard() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

struct ReadCursor {
  const std::string* data;
  size_t pos;
};
void read_bytes(png_structp png, png_bytep out, png_size_t length) {
  auto* cur = static_cast<ReadCursor*>(png_get_io_ptr(png));
  if (cur->pos + length > cur->data->size()) png_error(png, "truncated PNG data");
  std::memcpy(out, cur->data->data() + cur->pos, length);
  cur->pos += length;
}

}  // namespace

std::string encode_png(const Image& image) {
  TP_CHECK(image.width > 0 && image.height > 0, "cannot encode an empty image as PNG");
  TP_CHECK(image.channels == 1 || image.channels == 3, "PNG images must have 1 or 3 channels, not ", image.channels);
  TP_CHECK(image.pixels.size() == static_cast<size_t>(image.width) * image.height * image.channels,
           "image pixel buffer does not match its size");
  std::string out;
  PngErrorMessage err;
  WriteGuard g;
  g.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, on_png_error, on_png_warning);
  TP_CHECK(g.png, "libpng: cannot create a write struct");
  g.info = png_create_info_struct(g.png);
  TP_CHECK(g.info, "libpng: cannot create an info struct");
  if (setjmp(png_jmpbuf(g.png))) TP_THROW(Error, "libpng: ", err.text);
  png_set_write_fn(g.png, &out, append_bytes, flush_nothing);
  png_set_IHDR(g.png, g.info, image.width, image.height, 8,
               image.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(g.png, g.info);
  const size_t stride = static_cast<size_t>(image.width) * image.channels;
  for (int y = 0; y < image.height; ++y) png_write_row(g.png, const_cast<png_bytep>(image.pixels.data() + y * stride));
  png_write_end(g.png, nullptr);
  return out;
}

void write_png(const std::string& path, const Image& image) { write_file_atomic(path, encode_png(image)); }

Image read_png(const std::string& path) {
  TP_CHECK_AS(DataError, file_exists(path), "PNG file not found: ", path);
  const std::string data = read_file(path);
  TP_CHECK_AS(DataError, data.size() >= 8 && png_sig_cmp(reinterpret_cast<png_const_bytep>(data.data()), 0, 8) == 0,
              "not a PNG file: ", path);
  PngErrorMessage err;
  Image img;
  ReadGuard g;
  g.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, on_png_error, on_png_warning);
  TP_CHECK(g.png, "libpng: cannot create a read struct");
  g.info = png_create_info_struct(g.png);
  TP_CHECK(g.info, "libpng: cannot create an info struct");
  ReadCursor cursor{&data, 0};
  if (setjmp(png_jmpbuf(g.png))) TP_THROW(DataError, "malformed PNG file ", path, ": ", err.text);
  png_set_read_fn(g.png, &cursor, read_bytes);
  png_read_info(g.png, g.info);
  const int bit_depth = png_get_bit_depth(g.png, g.info);
  const int color = png_get_color_type(g.png, g.info);
  if (bit_depth != 8 || (color != PNG_COLOR_TYPE_GRAY && color != PNG_COLOR_TYPE_RGB))
    png_error(g.png, "unsupported format (only 8-bit gray or RGB)");
  img.width = static_cast<int>(png_get_image_width(g.png, g.info));
  img.height = static_cast<int>(png_get_image_height(g.png, g.info));
  img.channels = color == PNG_COLOR_TYPE_GRAY ? 1 : 3;
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * img.channels);
  const size_t stride = static_cast<size_t>(img.width) * img.channels;
  for (int y = 0; y < img.height; ++y) png_read_row(g.png, img.pixels.data() + y * stride, nullptr);
  png_read_end(g.png, nullptr);
  return img;
}

Image tile_grid(const std::vector<Image>& tiles, int columns, int padding, uint8_t background) {
  TP_CHECK(!tiles.empty(), "tile_grid needs at least one image");
  TP_CHECK(columns > 0 && padding >= 0, "tile_grid needs columns > 0 and padding >= 0");
  const int w = tiles[0].width, h = tiles[0].height, c = tiles[0].channels;
  for (const auto& t : tiles)
    TP_CHECK(t.width == w && t.height == h && t.channels == c, "tile_grid: images differ in size or channels");
  const int cols = std::min<int>(columns, static_cast<int>(tiles.size()));
  const int rows = (static_cast<int>(tiles.size()) + columns - 1) / columns;
  Image grid(cols * w + (cols + 1) * padding, rows * h + (rows + 1) * padding, c, background);
  for (size_t i = 0; i < tiles.size(); ++i) {
    const int x0 = padding + static_cast<int>(i % columns) * (w + padding);
    const int y0 = padding + static_cast<int>(i / columns) * (h + padding);
    for (int y = 0; y < h; ++y) std::memcpy(grid.at(x0, y0 + y), tiles[i].at(0, y), static_cast<size_t>(w) * c);
  }
  return grid;
}

Image upscaled(const Image& image, int factor) {
  TP_CHECK(factor >= 1, "an upscaling factor must be >= 1, not ", factor);
  Image out(image.width * factor, image.height * factor, image.channels);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) std::copy_n(image.at(x / factor, y / factor), image.channels, out.at(x, y));
  return out;
}

}  // namespace tp
