#include "apps/view/sample_viewer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "apps/view/hud.h"
#include "apps/view/shapes.h"
#include "core/error.h"
#include "generative/sample_grid.h"

namespace tp::view {

namespace {
constexpr float kTop = 8;
const sf::Color kSelectA(60, 220, 90), kSelectB(255, 150, 40);
// Where a scatter plot sits: room for the y numbers at the left and the x numbers below.
constexpr float kPlotLeft = 32, kPlotTop = 10, kPlotBelow = 26;

}  // namespace

SampleViewer::SampleViewer(gen::Sampler& sampler, int count, uint64_t seed, int walk_steps, const sf::Font* font)
    : sampler_(sampler), count_(count), walk_steps_(walk_steps), seed_(seed), font_(font) {
  TP_CHECK_AS(UsageError, count_ > 0 && count_ <= 400, "--n must be in 1..400 for the viewer");
  TP_CHECK_AS(UsageError, walk_steps_ >= 2 && walk_steps_ <= 32, "--steps must be in 2..32");
  if (sampler_.is_image()) {
    columns_ = sampler_.num_classes() > 0 ? static_cast<int>(sampler_.num_classes()) : 8;
    columns_ = std::min(columns_, count_);
    rows_ = (count_ + columns_ - 1) / columns_;
    // Tiles of at least 56 px (28 px Fashion-MNIST at 2x), the grid about 640 px wide.
    const float side = static_cast<float>(std::max(sampler_.shape().height, sampler_.shape().width));
    scale_ = std::max(1.0f, std::floor(std::min(640.0f / static_cast<float>(std::max(columns_, walk_steps_)),
                                                540.0f / static_cast<float>(rows_ + 1)) /
                                       side));
    tile_ = side * scale_;
  } else {
    columns_ = rows_ = 1;
  }
  regenerate();
}

sf::Vector2u SampleViewer::size() const {
  const unsigned hud = hud_height(help_lines().size() + 1);
  if (!sampler_.is_image())
    return {std::max(400u, plot_.getSize().x + static_cast<unsigned>(kPlotLeft)) + 10,
            plot_.getSize().y + static_cast<unsigned>(kPlotTop + kPlotBelow) + hud};
  const float w =
      std::max(static_cast<float>(columns_), static_cast<float>(walk_steps_)) * (tile_ + kTilePad) + kTilePad;
  const float h = kTop + static_cast<float>(rows_) * (tile_ + kTilePad) + 24 + tile_ + kTilePad;
  return {static_cast<unsigned>(std::max(w, 560.0f)), static_cast<unsigned>(h) + hud};
}

sf::FloatRect SampleViewer::tile_rect(int i) const {
  const int r = i / columns_, c = i % columns_;
  return {kTilePad + static_cast<float>(c) * (tile_ + kTilePad), kTop + static_cast<float>(r) * (tile_ + kTilePad),
          tile_, tile_};
}

sf::FloatRect SampleViewer::walk_rect(int j) const {
  const float y = kTop + static_cast<float>(rows_) * (tile_ + kTilePad) + 24;
  return {kTilePad + static_cast<float>(j) * (tile_ + kTilePad), y, tile_, tile_};
}

sf::FloatRect SampleViewer::plot_rect() const {
  return {kPlotLeft, kPlotTop, static_cast<float>(plot_.getSize().x), static_cast<float>(plot_.getSize().y)};
}

std::optional<int> SampleViewer::tile_at(sf::Vector2f p) const {
  if (!sampler_.is_image()) return std::nullopt;
  for (int i = 0; i < count_; ++i)
    if (tile_rect(i).contains(p)) return i;
  return std::nullopt;
}

void upload_images(const torch::Tensor& images, std::vector<sf::Texture>& textures) {
  const auto bytes = (images.detach().to(torch::kCPU) * 255).round().clamp(0, 255).to(torch::kUInt8).contiguous();
  const int64_t n = bytes.size(0), ch = bytes.size(1), h = bytes.size(2), w = bytes.size(3);
  const uint8_t* data = bytes.data_ptr<uint8_t>();
  textures.assign(static_cast<size_t>(n), sf::Texture());
  std::vector<sf::Uint8> rgba(static_cast<size_t>(h * w * 4));
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* s = data + i * ch * h * w;
    for (int64_t p = 0; p < h * w; ++p) {
      for (int k = 0; k < 3; ++k) rgba[static_cast<size_t>(p * 4 + k)] = s[(ch == 3 ? k : 0) * h * w + p];
      rgba[static_cast<size_t>(p * 4 + 3)] = 255;
    }
    auto& t = textures[static_cast<size_t>(i)];
    TP_CHECK(t.create(static_cast<unsigned>(w), static_cast<unsigned>(h)), "cannot create a sample texture");
    t.update(rgba.data());
  }
}

void SampleViewer::regenerate() {
  torch::NoGradGuard no_grad;
  z_ = sampler_.random_latents(count_, seed_);
  grid_ = sampler_.sample(z_, class_label_);
  if (sampler_.is_image()) {
    upload_images(grid_, grid_textures_);
  } else {
    TP_CHECK(plot_.loadFromImage(to_sf_image(sampler_.render(grid_, 1))), "cannot upload the sample plot");
  }
  walk_ = torch::Tensor();
  walk_textures_.clear();
  if (selected_.size() == 2) walk();
}

void SampleViewer::resample() {
  ++seed_;
  selected_.clear();
  message_ = "new latents (seed " + std::to_string(seed_) + ")";
  regenerate();
}

void SampleViewer::set_class(int64_t label) {
  if (sampler_.num_classes() == 0) {
    message_ = "this model is not conditional: no classes to choose";
    return;
  }
  TP_CHECK_AS(UsageError, label >= -1 && label < sampler_.num_classes(), "--class must be in -1..",
              sampler_.num_classes() - 1);
  class_label_ = label;
  message_.clear();  // the status line names the class (it said "class 8" twice)
  regenerate();
}

bool SampleViewer::walk() {
  if (!sampler_.is_image() || selected_.size() != 2) {
    message_ = sampler_.is_image() ? "click two samples first, then press W" : "latent walks need an image model";
    return false;
  }
  torch::NoGradGuard no_grad;
  const auto path = gen::Sampler::interpolate(z_[selected_[0]], z_[selected_[1]], walk_steps_);
  // A conditional model walks within one class: the chosen one, else sample A's.
  int64_t label = class_label_;
  if (sampler_.num_classes() > 0 && label < 0) label = selected_[0] % sampler_.num_classes();
  walk_ = sampler_.sample(path, label);
  upload_images(walk_, walk_textures_);
  message_ = "latent walk from sample " + std::to_string(selected_[0]) + " to " + std::to_string(selected_[1]);
  return true;
}

void SampleViewer::click(sf::Vector2f point) {
  const auto i = tile_at(point);
  if (!i) return;
  if (selected_.size() == 2) selected_.clear();
  if (!selected_.empty() && selected_[0] == *i) return;
  selected_.push_back(*i);
  message_ = selected_.size() == 1
                 ? "start: sample " + std::to_string(*i) + "; click the end sample"
                 : "press W to walk from " + std::to_string(selected_[0]) + " to " + std::to_string(*i);
}

void SampleViewer::key(sf::Keyboard::Key key) {
  if (key == sf::Keyboard::R)
    resample();
  else if (key == sf::Keyboard::W)
    walk();
  else if (key == sf::Keyboard::A)
    set_class(-1);
  else if (key >= sf::Keyboard::Num0 && key <= sf::Keyboard::Num9) {
    const int64_t label = key - sf::Keyboard::Num0;
    if (sampler_.num_classes() > 0 && label >= sampler_.num_classes())
      message_ = "no class " + std::to_string(label);
    else
      set_class(label);
  } else if ((key == sf::Keyboard::Left || key == sf::Keyboard::Right) && sampler_.num_classes() > 0) {
    const int64_t k = sampler_.num_classes();
    set_class(((class_label_ < 0 ? 0 : class_label_) + (key == sf::Keyboard::Right ? 1 : k - 1)) % k);
  }
}

std::vector<std::string> SampleViewer::help_lines() const {
  std::vector<std::string> lines;
  lines.push_back("R new samples   " + std::string(sampler_.is_image() ? "click two samples, W latent walk   " : "") +
                  "Esc quit");
  if (sampler_.num_classes() > 0) lines.push_back("0-9 class   Left/Right previous/next class   A all classes");
  return lines;
}

// The numbers of the scatter plot's grid lines: x under the plot, y to its left.
void SampleViewer::draw_plot_axes(sf::RenderTarget& target) const {
  if (!font_) return;
  const sf::RenderStates states;
  const gen::PlotExtent e = gen::scatter_extent(sampler_.shape().synthetic);
  const auto side = static_cast<float>(plot_.getSize().x);
  const float per_unit = side / static_cast<float>(e.hi - e.lo);
  const sf::Color ink(190, 200, 210);
  for (int v = static_cast<int>(std::ceil(e.lo)); v <= static_cast<int>(std::floor(e.hi)); ++v) {
    const float along = (static_cast<float>(v) - static_cast<float>(e.lo)) * per_unit;
    draw_text_centred(target, states, *font_, std::to_string(v), {kPlotLeft + along, kPlotTop + side + 10}, 12, ink);
    draw_text_centred(target, states, *font_, std::to_string(v), {kPlotLeft - 14, kPlotTop + side - along}, 12, ink);
  }
}

void SampleViewer::draw(sf::RenderTarget& target) const {
  const sf::RenderStates states;
  const sf::Vector2u sz = size();
  draw_rect(target, states, {0, 0, static_cast<float>(sz.x), static_cast<float>(sz.y)}, kTileBackground);
  float content_bottom = 0;
  if (sampler_.is_image()) {
    for (int i = 0; i < count_; ++i) {
      sf::Sprite sprite(grid_textures_[static_cast<size_t>(i)]);
      const sf::FloatRect r = tile_rect(i);
      sprite.setPosition(r.left, r.top);
      sprite.setScale(scale_, scale_);
      target.draw(sprite, states);
    }
    for (size_t k = 0; k < selected_.size(); ++k)
      draw_rect(target, states, tile_rect(selected_[k]), sf::Color::Transparent, k == 0 ? kSelectA : kSelectB, 3);
    const sf::FloatRect strip = walk_rect(0);
    if (font_)
      draw_text(target, states, *font_,
                walk_textures_.empty() ? "latent walk: (none yet)" : "latent walk:", {kTilePad, strip.top - 21}, 14,
                sf::Color(190, 200, 210));
    for (size_t j = 0; j < walk_textures_.size(); ++j) {
      sf::Sprite sprite(walk_textures_[j]);
      const sf::FloatRect r = walk_rect(static_cast<int>(j));
      sprite.setPosition(r.left, r.top);
      sprite.setScale(scale_, scale_);
      target.draw(sprite, states);
    }
    content_bottom = strip.top + strip.height + kTilePad;
  } else {
    sf::Sprite sprite(plot_);
    sprite.setPosition(kPlotLeft, kPlotTop);
    target.draw(sprite, states);
    draw_plot_axes(target);
    content_bottom = kPlotTop + static_cast<float>(plot_.getSize().y) + kPlotBelow;
  }
  if (!font_) return;
  std::string status =
      sampler_.algorithm() + "   " + std::to_string(count_) + " samples   seed " + std::to_string(seed_);
  if (sampler_.num_classes() > 0)
    status += class_label_ < 0 ? "   classes in turn" : "   " + sampler_.class_text(class_label_);
  if (!message_.empty()) status += "   " + message_;
  std::vector<std::string> lines = {status};
  for (const auto& l : help_lines()) lines.push_back(l);
  draw_hud(target, *font_, {0, content_bottom}, static_cast<float>(sz.x), lines);
}

}  // namespace tp::view
