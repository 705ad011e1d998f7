// `torchplay watch`: an SFML window on an env episode (--env), a board game between two
// agents (--game) or a generative model's samples (--model).
#include <cstdio>

#include "apps/build_config.h"
#include "apps/commands.h"
#include "apps/view/env_watch.h"
#include "core/error.h"
#include "core/options.h"
#include "core/runtime.h"

namespace tp::app {

namespace {
bool has_word(const Args& args, const std::string& opt) {
  for (const auto& a : args)
    if (a == opt || a.rfind(opt + "=", 0) == 0) return true;
  return false;
}

void require_sfml(const std::string& what) {
  TP_CHECK(TORCHPLAY_HAVE_SFML, "'", what,
           "' needs the SFML views, but this build has none (configured with -DTORCHPLAY_WITH_SFML=OFF or "
           "without libsfml-dev): install libsfml-dev and reconfigure");
}

int watch_env_command(const Args& args) {
  CommonOptions common;
  view::EnvWatchOptions o;
  OptionSet set("torchplay watch --env NAME --agent random|human|CHECKPOINT [options]\n"
                "       torchplay watch --game NAME --agent A --opponent B [options]\n"
                "       torchplay watch --model CHECKPOINT [options]");
  set.add("env", &o.env_id, "environment (see torchplay envs)")
      .add("env-options", &o.env_options, "env settings as key=value,... (e.g. sticky_action_prob=0)")
      .add("agent", &o.agent, "random, human (keyboard; keys shown in the window) or a checkpoint file")
      .add("episodes", &o.episodes, "episodes to show (0: until the window is closed)")
      .add("fps", &o.fps, "frames (env steps) per second (0: as fast as possible)")
      .add("record", &o.record_dir, "write every frame as DIR/frame_NNNNNN.png (and DIR/video.mp4 with ffmpeg)");
  common.add_to(set);
  if (!set.parse(args)) return 0;
  require_sfml("watch --env");
  init_runtime(common);
  o.seed = common.seed;
  o.device = common.device;
  o.quiet = common.quiet;
#if TORCHPLAY_HAVE_SFML
  const view::EnvWatchSummary s = view::watch_env(o);
  if (!common.quiet)
    std::printf("watched %d episode%s of %s%s\n", s.episodes_finished, s.episodes_finished == 1 ? "" : "s",
                o.env_id.c_str(), s.closed_by_user ? " (window closed)" : "");
#endif
  return 0;
}
}  // namespace

int cmd_watch(const Args& args) {
  // The target picks the variant, as in `eval`: --game, --model, else --env.
  if (has_word(args, "--game")) {
    require_sfml("watch --game");
    TP_THROW(Error, "'watch --game' is not available in this build yet (the board games of issue 5 are not built)");
  }
  if (has_word(args, "--model")) {
    require_sfml("watch --model");
    TP_THROW(Error, "'watch --model' is not available in this build yet (the generative models of issue 7 are not built)");
  }
  return watch_env_command(args);
}

}  // namespace tp::app
