#pragma once
// One view per env family (docs/architecture.md): a view draws a scene from an observation, the
// env's public Gymnasium-defined output, so it never touches env internals and tests can
// render any state they construct.
#include <SFML/Graphics/Font.hpp>
#include <SFML/Graphics/RenderTarget.hpp>

#include <memory>
#include <string>
#include <vector>

#include "envs/env.h"

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

// The view for `env`: CartPole-v1, MountainCar-v0 and Acrobot-v1 drawn like Gymnasium's
// renderings, Snake, and any env with {C, H, W} binary plane observations (the MinAtar
// games) as a coloured grid. `font` (kept alive by the caller) labels legends. Throws
// tp::Error for an env no view can draw.
std::unique_ptr<EnvView> make_env_view(const envs::Env& env, const sf::Font* font);

}  // namespace tp::view
