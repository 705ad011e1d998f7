#pragma once
// One view per env family (docs/architecture.md): a view draws a scene from an observation, the
// env's public Gymnasium-defined output, so it never touches env internals and tests can
// render any state they construct. apps/view/env_view_factory.h picks the view for an env.
#include <SFML/Graphics/RenderTarget.hpp>

namespace tp::view {

class EnvView {
 public:
  virtual ~EnvView() = default;
  // The scene's size in pixels.
  virtual sf::Vector2u size() const = 0;
  // Draws the scene for `obs` (observation_space().size() floats) with `states`
  // (a translation places the scene inside a larger frame).
  virtual void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const = 0;
};

}  // namespace tp::view
