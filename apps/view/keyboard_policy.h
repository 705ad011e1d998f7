#pragma once
// The `human` agent of `watch --env`: actions from the keyboard of the view's window.
// Every action has a digit key (1, 2, ...); actions named after a direction or "fire" also
// get the arrow keys and Space. Envs with a no-op action run in real time (no key: no-op);
// the others wait for a key (holding it keeps acting at the frame rate). Continuous-action
// envs run in real time: Left/Right give the box's low/high along the first action
// dimension, no key gives 0 (every other dimension stays 0).
#include <SFML/Window/Keyboard.hpp>

#include <string>
#include <vector>

#include "agents/policy.h"

namespace tp::view {

class ViewWindow;

struct KeyBinding {
  sf::Keyboard::Key key;
  int action;
  std::string label;  // "Left", "1", "Space"
};

// Bindings for an env's action names (digits first, then arrow/Space aliases).
std::vector<KeyBinding> bind_action_keys(const std::vector<std::string>& action_names);
// The index of the no-op action, -1 when the env has none ("noop", "no push", "torque 0", "n").
int find_noop_action(const std::vector<std::string>& action_names);
// "keys: Left/1 push left   Right/2 push right   Esc quit"
std::string describe_keys(const std::vector<KeyBinding>& bindings, const std::vector<std::string>& action_names);
// For a continuous action box: "keys:  Left -2   Right +2   no key 0   Esc quit"
std::string describe_continuous_keys(const envs::BoxSpace& box);

class KeyboardPolicy final : public agents::Policy {
 public:
  KeyboardPolicy(ViewWindow& window, const std::vector<std::string>& action_names);
  std::string name() const override { return "human"; }
  int act(const float* obs, const envs::Env& env) override;
  void act_continuous(const float* obs, const envs::Env& env, float* action) override;
  // True once the window was closed while waiting for a key (the episode should stop).
  bool window_closed() const { return closed_; }
  const std::vector<KeyBinding>& bindings() const { return bindings_; }

 private:
  int chosen_action();

  ViewWindow& window_;
  std::vector<KeyBinding> bindings_;
  int noop_;
  bool closed_ = false;
};

}  // namespace tp::view
