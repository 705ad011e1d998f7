// `train ... --show` (TrainShow in apps/commands.h): the live learning-curve window.
#include <unistd.h>

#include "apps/build_config.h"
#include "apps/commands.h"
#if TORCHPLAY_HAVE_SFML
#include "apps/view/live_curves.h"
#endif

namespace tp::app {

struct TrainShow::Window {
#if TORCHPLAY_HAVE_SFML
  std::unique_ptr<view::LiveCurves> curves;
#endif
};

TrainShow::TrainShow() : window_(std::make_unique<Window>()) {}

// Destroying LiveCurves finishes it: the final curve, held on a terminal, then closed.
TrainShow::~TrainShow() = default;

void TrainShow::bind(OptionSet& set) {
  set.add_transient("show", &show_, "draw the learning curve live in a window while training (needs a display)");
}

RunSettings TrainShow::attach(RunSettings settings) {
  if (!show_) return settings;
  require_sfml("train --show");
#if TORCHPLAY_HAVE_SFML
  view::LiveCurves::check_can_open();
  settings.on_started = [window = window_.get()](const std::string& run_dir) {
    view::LiveCurvesOptions o;
    o.run_dir = run_dir;
    // Held at the end only for a person at a terminal: scripts and tests never wait for a key.
    o.hold_at_end = isatty(STDIN_FILENO) != 0;
    window->curves = std::make_unique<view::LiveCurves>(o);
  };
#endif
  return settings;
}

}  // namespace tp::app
