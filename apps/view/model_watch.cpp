#include "apps/view/model_watch.h"

#include "apps/view/sample_viewer.h"
#include "apps/view/view_window.h"
#include "core/error.h"
#include "generative/sampler.h"

namespace tp::view {

int watch_model(const ModelWatchOptions& o) {
  TP_CHECK_AS(UsageError, !o.model.empty(), "--model is required");
  check_display();  // before the model loads: fail fast without a display
  gen::Sampler sampler(o.model, torch::Device(o.device));
  // The viewer needs the window's font and the window the viewer's size: measure first.
  const sf::Vector2u size = SampleViewer(sampler, o.n, o.seed, o.steps, nullptr).size();
  WindowOptions wo;
  wo.title = "torchplay watch " + sampler.algorithm() + " samples";
  wo.size = size;
  wo.fps = o.fps;
  wo.record_dir = o.record_dir;
  wo.quiet = o.quiet;
  ViewWindow window(wo);
  SampleViewer viewer(sampler, o.n, o.seed, o.steps, &window.font());
  if (o.class_label >= 0) viewer.set_class(o.class_label);
  const auto on_event = [&](const sf::Event& e) {
    if (e.type == sf::Event::MouseButtonPressed && e.mouseButton.button == sf::Mouse::Left)
      viewer.click({static_cast<float>(e.mouseButton.x), static_cast<float>(e.mouseButton.y)});
    if (e.type == sf::Event::KeyPressed) viewer.key(e.key.code);
  };
  while (window.poll(on_event)) window.present([&](sf::RenderTarget& t) { viewer.draw(t); });
  return window.exit_code();
}

}  // namespace tp::view
