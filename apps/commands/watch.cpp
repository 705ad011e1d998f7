// `torchplay watch`: an SFML window on an env episode (--env), a board game between two
// agents (--game) or a generative model's samples (--model).
#include <cstdio>

#include <unistd.h>

#include "apps/build_config.h"
#include "apps/commands.h"
#include "apps/view/board_apps.h"
#include "apps/view/env_watch.h"
#include "apps/view/model_watch.h"
#include "core/error.h"
#include "core/options.h"
#include "core/runtime.h"
#include "envs/games/game_registry.h"

namespace tp::app {

void require_sfml(const std::string& what) {
  TP_CHECK(TORCHPLAY_HAVE_SFML, "'", what,
           "' needs the SFML views, but this build has none (configured with -DTORCHPLAY_WITH_SFML=OFF or "
           "without libsfml-dev): install libsfml-dev and reconfigure");
}

namespace {

int watch_game_command(const Args& args) {
  CommonOptions common;
  view::WatchGameOptions o;
  OptionSet set("torchplay watch --game NAME --agent A --opponent B [options]");
  set.add("game", &o.game, "board game: " + envs::make_game_registry().names_text())
      .add("game-options", &o.game_options, "game settings as key=value,... (e.g. size=9,komi=7.5)")
      .add("agent", &o.agent,
           "random, minimax[:DEPTH], mcts:N, solver, an AlphaZero checkpoint, run directory or shipped model, "
           "or torchscript:FILE.pt")
      .add("opponent", &o.opponent, "the other player (same kinds as --agent)")
      .add("games", &o.games, "games to show; the agent moves first in games 1, 3, ...")
      .add("move-delay", &o.move_delay, "seconds between moves")
      .add("simulations", &o.simulations, "checkpoint agents: MCTS simulations per move (0: the run's setting)")
      .add("fps", &o.fps, "window refresh rate (0: as fast as possible)")
      .add("record", &o.record_dir, "write every frame as DIR/frame_NNNNNN.png (and DIR/video.mp4 with ffmpeg)");
  common.bind(set);
  if (!set.parse(args)) return 0;
  require_sfml("watch --game");
  init_runtime(common);
  o.seed = common.seed;
  o.device = common.device;
  o.quiet = common.quiet;
  o.hold_at_end = isatty(STDIN_FILENO) && o.record_dir.empty();
#if TORCHPLAY_HAVE_SFML
  const view::WatchGameSummary s = view::watch_game(o);
  if (!common.quiet)
    std::printf("%s vs %s: %d wins, %d draws, %d losses in %d game%s%s\n", o.agent.c_str(), o.opponent.c_str(),
                s.agent_wins, s.draws, s.opponent_wins, s.games, s.games == 1 ? "" : "s",
                s.closed_by_user ? " (window closed)" : "");
  return s.exit_code;
#endif
  return 0;
}

int watch_model_command(const Args& args) {
  CommonOptions common;
  view::ModelWatchOptions o;
  OptionSet set("torchplay watch --model CHECKPOINT|RUN_DIR [options]");
  set.add("model", &o.model,
          "generator checkpoint (gan, dcgan, cgan, wgan-gp, vae; pix2pix, srgan, cyclegan: pages of test images) or "
          "its run "
          "directory")
      .add("n", &o.n, "samples in the grid (0: 64); image-to-image models: test images per page (0: 8)")
      .add("class", &o.class_label, "conditional models: the class shown first (-1: all classes in turn)")
      .add("steps", &o.steps, "samples along a latent walk, endpoints included")
      .add("fps", &o.fps, "window refresh rate (0: as fast as possible)")
      .add("record", &o.record_dir, "write every frame as DIR/frame_NNNNNN.png (and DIR/video.mp4 with ffmpeg)");
  common.bind(set);
  if (!set.parse(args)) return 0;
  require_sfml("watch --model");
  init_runtime(common);
  o.seed = common.seed;
  o.device = common.device;
  o.quiet = common.quiet;
#if TORCHPLAY_HAVE_SFML
  return view::watch_model(o);
#endif
  return 0;
}

int watch_env_command(const Args& args) {
  CommonOptions common;
  view::EnvWatchOptions o;
  OptionSet set(
      "torchplay watch --env NAME --agent random|human|CHECKPOINT [options]\n"
      "       torchplay watch --game NAME --agent A --opponent B [options]\n"
      "       torchplay watch --model CHECKPOINT [options]");
  set.add("env", &o.env_id, "environment (see torchplay envs)")
      .add("env-options", &o.env_options, "env settings as key=value,... (e.g. sticky_action_prob=0)")
      .add("agent", &o.agent,
           "random, human (keyboard; keys shown in the window), a checkpoint file, run directory or shipped "
           "model, or torchscript:FILE.pt")
      .add("episodes", &o.episodes, "episodes to show (0: until the window is closed)")
      .add("fps", &o.fps, "frames (env steps) per second (0: as fast as possible)")
      .add("record", &o.record_dir, "write every frame as DIR/frame_NNNNNN.png (and DIR/video.mp4 with ffmpeg)");
  common.bind(set);
  if (!set.parse(args)) return 0;
  require_sfml("watch --env");
  init_runtime(common);
  o.seed = common.seed;
  o.device = common.device;
  o.quiet = common.quiet;
  o.hold_at_end = isatty(STDIN_FILENO) && o.record_dir.empty();
#if TORCHPLAY_HAVE_SFML
  const view::EnvWatchSummary s = view::watch_env(o);
  if (!common.quiet)
    std::printf("watched %d episode%s of %s%s\n", s.episodes_finished, s.episodes_finished == 1 ? "" : "s",
                o.env_id.c_str(), s.closed_by_user ? " (window closed)" : "");
  return s.exit_code;
#endif
  return 0;
}
}  // namespace

int cmd_watch(const Args& given) {
  // The target picks the variant, as in `eval`: --game, --model, else --env.
  const Args args = with_agent_target(given);
  if (OptionSet("target").peek(args, "game")) return watch_game_command(args);
  if (OptionSet("target").peek(args, "model")) return watch_model_command(args);
  return watch_env_command(args);
}

}  // namespace tp::app
