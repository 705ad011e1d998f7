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
#include "envs/wrappers/frame_stack.h"
#include "envs/wrappers/observation_mask.h"

namespace tp::view {

namespace {

// A stacked observation drawn by the wrapped env's view from its newest frame.
class NewestFrameView final : public EnvView {
 public:
  NewestFrameView(std::unique_ptr<EnvView> frame_view, int64_t offset)
      : frame_view_(std::move(frame_view)), offset_(offset) {}
  sf::Vector2u size() const override { return frame_view_->size(); }
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override {
    frame_view_->draw(target, states, obs + offset_);
  }

 private:
  std::unique_ptr<EnvView> frame_view_;
  int64_t offset_;
};

// A masked observation drawn by the full env's view, the dropped elements at zero (the CartPole
// view reads only position and angle, which the mask keeps).
class MaskedObservationView final : public EnvView {
 public:
  MaskedObservationView(std::unique_ptr<EnvView> full_view, std::vector<int> kept, int64_t full_size)
      : full_view_(std::move(full_view)), kept_(std::move(kept)), full_(static_cast<size_t>(full_size)) {}
  sf::Vector2u size() const override { return full_view_->size(); }
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override {
    std::fill(full_.begin(), full_.end(), 0.0f);
    for (size_t k = 0; k < kept_.size(); ++k) full_[static_cast<size_t>(kept_[k])] = obs[k];
    full_view_->draw(target, states, full_.data());
  }

 private:
  std::unique_ptr<EnvView> full_view_;
  std::vector<int> kept_;
  mutable std::vector<float> full_;
};

}  // namespace

std::unique_ptr<EnvView> make_env_view(const envs::Env& env, const sf::Font* font) {
  if (const auto* stack = dynamic_cast<const envs::FrameStack*>(&env)) {
    const int64_t frame = stack->inner().observation_space().size();
    return std::make_unique<NewestFrameView>(make_env_view(stack->inner(), font), frame * (stack->frames() - 1));
  }
  if (const auto* mask = dynamic_cast<const envs::ObservationMask*>(&env))
    return std::make_unique<MaskedObservationView>(make_env_view(mask->inner(), font), mask->kept(),
                                                   mask->inner().observation_space().size());
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
    const envs::Env* game = &env;  // the channel names are the wrapped game's (e.g. flickering MinAtar)
    while (const auto* wrapper = dynamic_cast<const envs::EnvWrapper*>(game)) game = &wrapper->inner();
    if (const auto* minatar = dynamic_cast<const envs::MinAtarEnv*>(game)) names = minatar->channel_names();
    return std::make_unique<GridView>(channels, height, width, names, font, cell);
  }
  TP_THROW(Error, "no view can draw ", id, " (observation ", env.observation_space().to_string(), ")");
}

}  // namespace tp::view
