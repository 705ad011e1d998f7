#include "apps/view/env_watch.h"

#include <cstdio>
#include <memory>
#include <vector>

#include "agents/episode_loop.h"
#include "apps/view/env_view_factory.h"
#include "apps/view/hud.h"
#include "apps/view/keyboard_policy.h"
#include "apps/view/view_window.h"
#include "core/error.h"
#include "core/seeds.h"
#include "envs/registry.h"

namespace tp::view {

namespace {
// Passes everything to `inner` and keeps the last continuous action for the HUD (the step
// callback sees -1 for continuous steps).
class ShowingContinuousActions final : public agents::Policy {
 public:
  explicit ShowingContinuousActions(agents::Policy& inner) : inner_(inner) {}
  std::string name() const override { return inner_.name(); }
  int act(const float* obs, const envs::Env& env) override { return inner_.act(obs, env); }
  void act_continuous(const float* obs, const envs::Env& env, float* action) override {
    inner_.act_continuous(obs, env, action);
    last_.assign(action, action + env.continuous_action_space()->size());
  }
  void begin_episode() override {
    inner_.begin_episode();
    last_.clear();
  }
  // "1.23" or "[0.5, -1]" ("" before the first step).
  std::string last_text() const {
    std::string text;
    for (size_t i = 0; i < last_.size(); ++i) text += (i ? ", " : "") + format_number(last_[i], 2);
    return last_.size() > 1 ? "[" + text + "]" : text;
  }

 private:
  agents::Policy& inner_;
  std::vector<float> last_;
};
}  // namespace

EnvWatchSummary watch_env(const EnvWatchOptions& o) {
  TP_CHECK_AS(UsageError, o.episodes >= 0, "--episodes must be >= 0 (0: until the window is closed)");
  const auto registry = envs::make_env_registry();
  auto env = registry.make(o.env_id, envs::parse_env_kwargs(o.env_options));

  // The window needs the view's size and the view needs the window's font: build the view
  // first without a font to measure it, then with the font.
  const sf::Vector2u scene = make_env_view(*env, nullptr)->size();
  const std::vector<std::string> action_names = env->action_names();
  const std::vector<KeyBinding> bindings = bind_action_keys(action_names);
  const bool human = o.agent == "human";
  const envs::BoxSpace* box = env->continuous_action_space();
  const std::string key_line = !human ? "Esc quit"
                               : box  ? describe_continuous_keys(*box)
                                      : describe_keys(bindings, action_names);
  const size_t hud_lines = 3;
  const unsigned width = std::max(scene.x, 560u);

  WindowOptions wo;
  wo.title = "torchplay watch " + o.env_id;
  wo.size = {width, scene.y + hud_height(hud_lines)};
  wo.fps = o.fps;
  wo.record_dir = o.record_dir;
  wo.quiet = o.quiet;
  wo.hold_at_end = o.hold_at_end;
  ViewWindow window(wo);
  const auto view = make_env_view(*env, &window.font());

  std::unique_ptr<agents::Policy> policy;
  KeyboardPolicy* keyboard = nullptr;
  if (human) {
    auto kp = std::make_unique<KeyboardPolicy>(window, action_names);
    keyboard = kp.get();
    policy = std::move(kp);
  } else {
    policy = agents::make_policy(o.agent, *env, {o.seed, o.device});
  }
  ShowingContinuousActions showing(*policy);
  agents::Policy& agent = box ? static_cast<agents::Policy&>(showing) : *policy;

  std::vector<float> obs(static_cast<size_t>(env->observation_space().size()));
  EnvWatchSummary summary;
  double last_return = 0;
  bool have_last = false;
  // The frame on screen: the env, then the HUD (title, status and a third line).
  std::string title, status;
  const auto draw_frame = [&](sf::RenderTarget& target, const std::string& third_line) {
    sf::RenderStates at;
    at.transform.translate(static_cast<float>(width - scene.x) / 2, 0);
    view->draw(target, at, obs.data());
    draw_hud(target, window.font(), {0, static_cast<float>(scene.y)}, static_cast<float>(width),
             {title, status, third_line});
  };
  bool again = true;
  while (again) {
    for (int episode = 0; o.episodes == 0 || episode < o.episodes; ++episode) {
      env->reset(evaluation_seed(o.seed) + static_cast<uint64_t>(episode));
      double score = 0;
      const std::string episode_text =
          "episode " + std::to_string(episode + 1) + (o.episodes ? "/" + std::to_string(o.episodes) : "");
      title = o.env_id + "   agent: " + policy->name() + "   " + episode_text;
      const auto on_step = [&](const envs::Env& e, int action, const envs::StepResult& r) {
        if (!window.poll() || (keyboard && keyboard->window_closed())) return false;
        score += r.reward;
        e.observe(obs.data());
        status = "step " + std::to_string(e.elapsed_steps()) + "   score " + format_number(score);
        if (action >= 0) status += "   action: " + action_names[static_cast<size_t>(action)];
        if (box && e.elapsed_steps() > 0) status += "   action: " + showing.last_text();
        if (r.done())
          status += r.terminated ? "   (terminated)" : "   (time limit)";
        else if (have_last)
          status += "   last " + format_number(last_return);
        window.present([&](sf::RenderTarget& target) { draw_frame(target, key_line); });
        return window.is_open();
      };
      const agents::EpisodeResult result = agents::run_episode(*env, agent, on_step);
      if (!window.is_open() || (keyboard && keyboard->window_closed())) {
        summary.closed_by_user = true;
        break;
      }
      ++summary.episodes_finished;
      last_return = result.episode_return;
      have_last = true;
      if (!o.quiet)
        std::printf("episode %d: return %.2f, length %d%s\n", episode + 1, result.episode_return, result.length,
                    result.truncated ? " (time limit)" : "");
      std::fflush(stdout);
    }
    // Interactive runs keep the last frame up: Space shows the episodes again, Escape quits.
    again = !summary.closed_by_user && window.hold_final_frame([&](sf::RenderTarget& target) {
      draw_frame(target, "Space: watch again   Esc: quit");
    });
  }
  summary.frames_recorded = window.frames_recorded();
  window.close();
  summary.exit_code = window.exit_code();
  return summary;
}

}  // namespace tp::view
