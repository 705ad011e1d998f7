#pragma once
// The sample-grid viewer of `torchplay watch --model CHECKPOINT`: a grid of samples from a
// generator checkpoint (GAN, DCGAN, cGAN, WGAN-GP, VAE) through gen::Sampler; R draws new
// latents, clicking two samples and pressing W walks the latent space between them (a row
// of interpolated samples), and for conditional models 0-9 / Left / Right choose the class
// (A: all classes in turn). Window-independent, like BoardSession, so tests drive it.
#include <SFML/Graphics.hpp>
#include <torch/types.h>

#include <optional>
#include <string>
#include <vector>

#include "generative/sampler.h"

namespace tp::view {

// The image viewers' shared look: the gap around tiles and the background behind them.
constexpr float kTilePad = 4;
inline const sf::Color kTileBackground(30, 30, 36);

// (N, C, H, W) images in [0, 1] (C = 1 or 3) -> one RGBA texture each, replacing `textures`.
void upload_images(const torch::Tensor& images, std::vector<sf::Texture>& textures);

class SampleViewer {
 public:
  // `count` samples in the grid, latents drawn from `seed` (then seed + 1, ... on resample).
  SampleViewer(gen::Sampler& sampler, int count, uint64_t seed, int walk_steps, const sf::Font* font);

  sf::Vector2u size() const;
  void draw(sf::RenderTarget& target) const;
  void click(sf::Vector2f point);  // selects walk endpoints (images only)
  void key(sf::Keyboard::Key key);

  void resample();
  // Interpolates between the two selected samples; false (with a message) without two.
  bool walk();
  // -1: classes in turn (conditional models only).
  void set_class(int64_t label);

  int64_t class_label() const { return class_label_; }
  int columns() const { return columns_; }
  const torch::Tensor& latents() const { return z_; }
  const torch::Tensor& grid_samples() const { return grid_; }  // (N, C, H, W) in [0, 1] or (N, 2)
  const torch::Tensor& walk_samples() const { return walk_; }  // undefined until walk()
  const std::vector<int>& selection() const { return selected_; }
  const std::string& message() const { return message_; }
  // The scene rectangle of grid sample i, and the walk strip's sample j.
  sf::FloatRect tile_rect(int i) const;
  sf::FloatRect walk_rect(int j) const;
  std::optional<int> tile_at(sf::Vector2f point) const;
  // Points models: the scene rectangle of the scatter plot (gen::scatter_extent on both axes).
  sf::FloatRect plot_rect() const;
  std::vector<std::string> help_lines() const;

 private:
  void regenerate();
  void draw_plot_axes(sf::RenderTarget& target) const;

  gen::Sampler& sampler_;
  int count_, columns_, rows_, walk_steps_;
  uint64_t seed_;
  int64_t class_label_ = -1;
  float tile_ = 0, scale_ = 1;
  const sf::Font* font_;
  torch::Tensor z_, grid_, walk_;
  std::vector<sf::Texture> grid_textures_, walk_textures_;
  sf::Texture plot_;  // 2-D models: the scatter plot
  std::vector<int> selected_;
  std::string message_;
};

}  // namespace tp::view
