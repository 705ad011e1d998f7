#include "apps/view/env_view_factory.h"

#include <algorithm>
#include <string>
#include <vector>

#include "apps/view/classic_control_views.h"
#include "apps/view/grid_view.h"
#include "core/error.h"
#include "envs/classic/mountain_car.h"
#include "envs/classic/mountain_car_continuous.h"
#include "envs/minatar/minatar_env.h"

namespace tp::view {

std::unique_ptr<EnvView> make_env_view(const envs::Env& env, const sf::Font* font) {
  const std::string& id = env.id();
  const auto& shape = env.observation_space().shape;
  auto expect_obs = [&](int n) {
    TP_CHECK(shape.size() == 1 && shape[0] == n, "view for ", id, ": expected a ", n, "-float observation, got ",
             env.observation_space().to_string());
  };
  if (id.rfind("CartPole", 0) == 0) {
    expect_obs(4);
    return std::make_unique<CartPoleView>();
  }
  if (id.rfind("MountainCarContinuous", 0) == 0) {
    expect_obs(2);
    return std::make_unique<MountainCarView>(static_cast<float>(envs::MountainCarContinuous::kGoalPosition));
  }
  if (id.rfind("MountainCar", 0) == 0) {
    expect_obs(2);
    return std::make_unique<MountainCarView>(static_cast<float>(envs::MountainCar::kGoalPosition));
  }
  if (id.rfind("Pendulum", 0) == 0) {
    expect_obs(3);
    return std::make_unique<PendulumView>();
  }
  if (id.rfind("Acrobot", 0) == 0) {
    expect_obs(6);
    return std::make_unique<AcrobotView>();
  }
  if (shape.size() == 3) {
    const int channels = shape[0], height = shape[1], width = shape[2];
    const int cell = std::max(8, 400 / std::max(height, width));
    if (id.rfind("Snake", 0) == 0 && channels == 3 && height == width) return std::make_unique<SnakeView>(height, cell);
    // Plane observations {C, H, W}: MinAtar and any other grid env.
    std::vector<std::string> names;
    if (const auto* minatar = dynamic_cast<const envs::MinAtarEnv*>(&env)) names = minatar->channel_names();
    return std::make_unique<GridView>(channels, height, width, names, font, cell);
  }
  TP_THROW(Error, "no view can draw ", id, " (observation ", env.observation_space().to_string(), ")");
}

}  // namespace tp::view
