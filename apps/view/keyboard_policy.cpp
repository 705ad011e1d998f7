#include "apps/view/keyboard_policy.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "apps/view/view_window.h"
#include "core/error.h"
#include "core/text.h"

namespace tp::view {

namespace {

bool has_word(const std::string& name, const std::string& word) {
  // Whole words only ("fire" in "upfire" does not count; "left" in "push left" does).
  size_t pos = 0;
  while ((pos = name.find(word, pos)) != std::string::npos) {
    const bool start = pos == 0 || !std::isalpha(static_cast<unsigned char>(name[pos - 1]));
    const size_t end = pos + word.size();
    const bool stop = end == name.size() || !std::isalpha(static_cast<unsigned char>(name[end]));
    if (start && stop) return true;
    pos = end;
  }
  return false;
}
}  // namespace

int find_noop_action(const std::vector<std::string>& action_names) {
  for (size_t i = 0; i < action_names.size(); ++i) {
    const std::string n = to_lower(action_names[i]);
    if (n == "noop" || n == "no-op" || n == "no op" || n == "none" || n == "n" || n == "no push" || n == "torque 0" ||
        n == "stay" || n == "idle")
      return static_cast<int>(i);
  }
  return -1;
}

std::vector<KeyBinding> bind_action_keys(const std::vector<std::string>& action_names) {
  std::vector<KeyBinding> out;
  const int n = static_cast<int>(action_names.size());
  for (int i = 0; i < n && i < 10; ++i) {
    const auto key = static_cast<sf::Keyboard::Key>(i < 9 ? sf::Keyboard::Num1 + i : sf::Keyboard::Num0);
    out.push_back({key, i, std::to_string((i + 1) % 10)});
  }
  // Direction/fire aliases, only for a name with exactly one of them.
  struct Alias {
    const char* word;
    const char* letter;  // MinAtar's one-letter action names
    const char* signed_torque;
    sf::Keyboard::Key key;
    const char* label;
  };
  const Alias aliases[] = {{"left", "l", "-1", sf::Keyboard::Left, "Left"},
                           {"right", "r", "+1", sf::Keyboard::Right, "Right"},
                           {"up", "u", nullptr, sf::Keyboard::Up, "Up"},
                           {"down", "d", nullptr, sf::Keyboard::Down, "Down"},
                           {"fire", "f", nullptr, sf::Keyboard::Space, "Space"}};
  for (int i = 0; i < n; ++i) {
    const std::string name = to_lower(action_names[static_cast<size_t>(i)]);
    const Alias* match = nullptr;
    int matches = 0;
    for (const auto& a : aliases)
      if (has_word(name, a.word) || name == a.letter ||
          (a.signed_torque && has_word(name, "torque") && name.find(a.signed_torque) != std::string::npos)) {
        match = &a;
        ++matches;
      }
    if (matches != 1) continue;
    const bool taken = std::any_of(out.begin(), out.end(), [&](const KeyBinding& b) { return b.key == match->key; });
    if (!taken) out.push_back({match->key, i, match->label});
  }
  return out;
}

std::string describe_keys(const std::vector<KeyBinding>& bindings, const std::vector<std::string>& action_names) {
  std::string text = "keys:";
  for (size_t a = 0; a < action_names.size(); ++a) {
    std::string keys;
    for (const auto& b : bindings)
      if (b.action == static_cast<int>(a)) keys = keys.empty() ? b.label : b.label + "/" + keys;
    if (keys.empty()) continue;
    text += "  " + keys + " " + action_names[a] + " ";
  }
  return text + "  Esc quit";
}

namespace {
std::string signed_number(float v) {
  std::ostringstream os;
  os << (v > 0 ? "+" : "") << v;
  return os.str();
}
// 0 moved into [low, high] (a box that excludes 0 gets its nearer bound).
float zero_in(const envs::BoxSpace& box, size_t i) { return std::clamp(0.0f, box.low[i], box.high[i]); }
}  // namespace

std::string describe_continuous_keys(const envs::BoxSpace& box) {
  return "keys:  Left " + signed_number(box.low[0]) + "   Right " + signed_number(box.high[0]) + "   no key " +
         signed_number(zero_in(box, 0)) + "   Esc quit";
}

KeyboardPolicy::KeyboardPolicy(ViewWindow& window, const std::vector<std::string>& action_names)
    : window_(window), bindings_(bind_action_keys(action_names)), noop_(find_noop_action(action_names)) {}

int KeyboardPolicy::chosen_action() {
  // A key pressed since the last step wins (quick taps count), then a key held down.
  int chosen = -1;
  for (const auto& b : bindings_)
    if (window_.take_pressed(b.key) && chosen < 0) chosen = b.action;
  if (chosen >= 0) return chosen;
  for (const auto& b : bindings_)
    if (window_.key_held(b.key)) return b.action;
  return -1;
}

int KeyboardPolicy::act(const float*, const envs::Env&) {
  while (window_.poll()) {
    const int action = chosen_action();
    if (action >= 0) return action;
    if (noop_ >= 0) return noop_;  // real time: no key means no-op
    window_.idle();                // no no-op: the env waits for the player
  }
  closed_ = true;
  return noop_ >= 0 ? noop_ : 0;
}

void KeyboardPolicy::act_continuous(const float*, const envs::Env& env, float* action) {
  const envs::BoxSpace* box = env.continuous_action_space();
  TP_CHECK(box != nullptr, env.id(), " takes discrete actions, not continuous ones");
  for (size_t i = 0; i < static_cast<size_t>(box->size()); ++i) action[i] = zero_in(*box, i);
  if (!window_.poll()) {  // real time: never waits for a key
    closed_ = true;
    return;
  }
  // A key pressed since the last step wins (quick taps count), then a key held down; both
  // directions at once cancel out.
  const bool tap_left = window_.take_pressed(sf::Keyboard::Left);
  const bool tap_right = window_.take_pressed(sf::Keyboard::Right);
  int direction = tap_right - tap_left;
  if (!tap_left && !tap_right) direction = window_.key_held(sf::Keyboard::Right) - window_.key_held(sf::Keyboard::Left);
  if (direction < 0) action[0] = box->low[0];
  if (direction > 0) action[0] = box->high[0];
}

}  // namespace tp::view
