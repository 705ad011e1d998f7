#include "apps/view/model_watch.h"

#include "apps/view/sample_viewer.h"
#include "apps/view/translation_viewer.h"
#include "apps/view/view_window.h"
#include "core/error.h"
#include "generative/capabilities.h"
#include "generative/data/dataset.h"
#include "generative/sampler.h"

namespace tp::view {

namespace {
WindowOptions window_options(const ModelWatchOptions& o, const std::string& title, sf::Vector2u size) {
  WindowOptions wo;
  wo.title = title;
  wo.size = size;
  wo.fps = o.fps;
  wo.record_dir = o.record_dir;
  wo.quiet = o.quiet;
  return wo;
}

int watch_translations(const ModelWatchOptions& o, gen::LoadedModel& loaded, gen::ImageTranslator& translator) {
  const auto test = gen::load_dataset(loaded.config.loop.data, gen::Split::Test, loaded.config.common.seed, 10000);
  const int columns = o.n != 0 ? o.n : 8;
  const std::string title = "torchplay watch " + loaded.header.algorithm;
  const sf::Vector2u size = TranslationViewer(translator, test, title, columns, nullptr).size();
  ViewWindow window(window_options(o, title, size));
  TranslationViewer viewer(translator, test, title, columns, &window.font());
  const auto on_event = [&](const sf::Event& e) {
    if (e.type == sf::Event::KeyPressed) viewer.key(e.key.code);
  };
  while (window.poll(on_event)) window.present([&](sf::RenderTarget& t) { viewer.draw(t); });
  return window.exit_code();
}
}  // namespace

int watch_model(const ModelWatchOptions& o) {
  TP_CHECK_AS(UsageError, !o.model.empty(), "--model is required");
  check_display();  // before the model loads: fail fast without a display
  auto loaded = gen::load_model_checkpoint(o.model, torch::Device(o.device));
  if (gen::ImageTranslator* t = loaded.model->translator()) return watch_translations(o, loaded, *t);
  gen::Sampler sampler(std::move(loaded));
  const int n = o.n != 0 ? o.n : 64;
  // The viewer needs the window's font and the window the viewer's size: measure first.
  const sf::Vector2u size = SampleViewer(sampler, n, o.seed, o.steps, nullptr).size();
  ViewWindow window(window_options(o, "torchplay watch " + sampler.algorithm() + " samples", size));
  SampleViewer viewer(sampler, n, o.seed, o.steps, &window.font());
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
