#pragma once
// The one place that knows every env view: picks the view for an env by its id and
// observation shape. Include it only where views are made.
#include <SFML/Graphics/Font.hpp>

#include <memory>

#include "apps/view/env_view.h"
#include "envs/env.h"

namespace tp::view {

// The view for `env`: CartPole-v1, MountainCar-v0, MountainCarContinuous-v0, Acrobot-v1 and
// Pendulum-v1 drawn like Gymnasium's renderings, Snake, and any env with {C, H, W} binary plane observations (the
// MinAtar games) as a coloured grid. `font` (kept alive by the caller) labels legends. Throws tp::Error for an env no
// view can draw.
std::unique_ptr<EnvView> make_env_view(const envs::Env& env, const sf::Font* font);

}  // namespace tp::view
