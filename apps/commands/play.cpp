// `torchplay play --game NAME --agent A`: a person plays a board game against an agent in
// an SFML window (mouse; choose colour, undo, new game; the agent's search as an overlay).
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "apps/build_config.h"
#include "apps/commands.h"
#include "apps/view/board_apps.h"
#include "core/error.h"
#include "core/options.h"
#include "core/runtime.h"
#include "core/text.h"
#include "envs/games/game_registry.h"

namespace tp::app {

namespace {
// "black/white, red/yellow, x/o": every registered game's player names, each pair once.
std::string side_names(const envs::GameRegistry& games) {
  std::vector<std::string> pairs;
  for (const auto& name : games.names()) {
    const auto players = games.make(name)->info().display.player_names;  // a copy: the state goes
    const std::string pair = to_lower(players[0] + "/" + players[1]);
    if (std::find(pairs.begin(), pairs.end(), pair) == pairs.end()) pairs.push_back(pair);
  }
  std::string out;
  for (const auto& p : pairs) out += (out.empty() ? "" : ", ") + p;
  return out;
}
}  // namespace

int cmd_play(const Args& given) {
  const Args args = with_agent_target(given);  // --agent connect4 brings its game
  CommonOptions common;
  view::PlayOptions o;
  const auto games = envs::make_game_registry();
  OptionSet set("torchplay play [--game NAME] --agent A [options]");
  set.add("game", &o.game, "board game: " + games.names_text())
      .add("game-options", &o.game_options, "game settings as key=value,... (e.g. size=9,komi=7.5)")
      .add("agent", &o.agent,
           "opponent: random, minimax[:DEPTH], mcts:N, solver, an AlphaZero checkpoint, run directory or shipped "
           "model (connect4, ...: the game then comes from it), or torchscript:FILE.pt")
      .add("colour", &o.colour, "your side: first or second (" + side_names(games) + "); Switch sides in the window")
      .add("simulations", &o.simulations, "checkpoint agents: MCTS simulations per move (0: the run's setting)")
      .add("fps", &o.fps, "window refresh rate (0: as fast as possible)")
      .add("record", &o.record_dir, "write every frame as DIR/frame_NNNNNN.png (and DIR/video.mp4 with ffmpeg)");
  common.bind(set);
  if (!set.parse(args)) return 0;
  require_sfml("play");
  init_runtime(common);
  o.seed = common.seed;
  o.device = common.device;
  o.quiet = common.quiet;
#if TORCHPLAY_HAVE_SFML
  return view::play_game(o);
#endif
  return 0;
}

}  // namespace tp::app
