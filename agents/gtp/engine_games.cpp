#include "agents/gtp/engine_games.h"

#include <atomic>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/options.h"
#include "core/rng.h"
#include "core/run_dir.h"
#include "core/timer.h"
#include "envs/games/go/go_playout.h"

namespace tp::agents {

std::string gnugo_command(int level, const std::string& extra_flags) {
  std::string cmd = "/usr/games/gnugo --mode gtp --chinese-rules --level " + std::to_string(level) + " --seed {seed}";
  if (!extra_flags.empty()) cmd += " " + extra_flags;
  return cmd;
}

void EngineGamesOptions::validate() const {
  TP_CHECK_AS(UsageError, !engines.empty(), "no engines: give --gnugo-levels or --engines");
  TP_CHECK_AS(UsageError, games > 0, "--games must be > 0");
  TP_CHECK_AS(UsageError, size >= envs::go::kMinSize && size <= envs::go::kMaxSize, "--size must be in ",
              envs::go::kMinSize, "..", envs::go::kMaxSize);
  TP_CHECK_AS(UsageError, random_moves >= 0 && random_moves < size * size / 2, "--random-moves must be in 0..",
              size * size / 2 - 1);
  TP_CHECK_AS(UsageError, workers >= 1, "--workers must be >= 1 (0 on the command line: one per core)");
  TP_CHECK_AS(UsageError, max_moves >= 0, "--max-moves must be >= 0");
  TP_CHECK_AS(UsageError, timeout_s > 0, "--timeout must be > 0");
}

std::vector<int> parse_gnugo_levels(const std::string& text) {
  std::vector<int> levels;
  auto level = [&](const std::string& s) {
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    TP_CHECK_AS(UsageError, !s.empty() && end && *end == '\0' && v >= 0 && v <= 10, "--gnugo-levels: '", s,
                "' is not a GNU Go level (0..10)");
    return static_cast<int>(v);
  };
  for (const std::string& part : split_list(text, "--gnugo-levels")) {
    const size_t dash = part.find('-');
    if (dash == std::string::npos) {
      levels.push_back(level(part));
      continue;
    }
    const int lo = level(part.substr(0, dash)), hi = level(part.substr(dash + 1));
    TP_CHECK_AS(UsageError, lo <= hi, "--gnugo-levels: the range '", part, "' is empty");
    for (int l = lo; l <= hi; ++l) levels.push_back(l);
  }
  return levels;
}

EngineGamePlan plan_engine_game(const EngineGamesOptions& options, int index) {
  TP_CHECK_AS(UsageError, !options.engines.empty(), "no engines to play the games");
  // One stream per game, from the seed and the index alone.
  Rng rng(options.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(index) + 1);
  EngineGamePlan plan;
  const auto engines = static_cast<uint64_t>(options.engines.size());
  plan.black = static_cast<int>(rng() % engines);
  plan.white = static_cast<int>(rng() % engines);
  const int moves = static_cast<int>(rng() % static_cast<uint64_t>(options.random_moves + 1));
  plan.engine_seed = static_cast<uint32_t>(rng() % 2000000000 + 1);
  envs::go::GoParams params;
  params.size = options.size;
  params.komi = options.komi;
  envs::go::GoState state(params);
  envs::go::RandomMovePicker picker;
  for (int i = 0; i < moves; ++i) {
    const envs::Action a = picker.pick(state, rng);
    if (a == state.pass_action()) break;  // a tiny board can run out of moves; an opening never passes
    plan.opening.push_back(a);
    state.apply(a);
  }
  return plan;
}

std::string with_engine_seed(const std::string& command, uint32_t seed) {
  std::string out = command;
  const std::string key = "{seed}", value = std::to_string(seed);
  for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + value.size()))
    out.replace(at, key.size(), value);
  return out;
}

std::string engine_game_path(const EngineGamesOptions& options, int index) {
  char name[32];
  std::snprintf(name, sizeof name, "/game-%06d.sgf", index + 1);
  return options.sgf_dir + name;
}

void play_engine_games(const EngineGamesOptions& options, const std::function<void(const EngineGameRecord&)>& on_game,
                       const std::function<bool()>& interrupted) {
  options.validate();
  TP_CHECK_AS(UsageError, !options.sgf_dir.empty(), "no directory for the game records");
  make_dirs(options.sgf_dir);
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  std::mutex report;
  std::exception_ptr failure;
  auto should_stop = [&] { return stop.load() || (interrupted && interrupted()); };

  auto worker = [&]() {
    try {
      for (int index = next++; index < options.games && !should_stop(); index = next++) {
        EngineGameRecord record;
        record.index = index;
        const std::string path = engine_game_path(options, index);
        if (file_exists(path)) {
          record.existed = true;
        } else {
          record.plan = plan_engine_game(options, index);
          MatchOptions mo;
          mo.engine_a = with_engine_seed(options.engines[record.plan.black], record.plan.engine_seed);
          mo.engine_b = with_engine_seed(options.engines[record.plan.white], record.plan.engine_seed);
          mo.label_a = mo.engine_a;
          mo.label_b = mo.engine_b;
          mo.games = 1;
          mo.size = options.size;
          mo.komi = options.komi;
          mo.alternate = false;  // engine A is Black
          mo.max_moves = options.max_moves;
          mo.timeout_s = options.timeout_s;
          Timer timer;
          MatchRunner runner(mo);
          record.game = runner.play_game(index, should_stop, record.plan.opening);
          record.seconds = timer.seconds();
          if (!record.game.void_game) write_file_atomic(path, record.game.sgf);
        }
        std::lock_guard<std::mutex> lock(report);
        on_game(record);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(report);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < options.workers; ++w) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tp::agents
