// Differential test of torchplay's Go rules against GNU Go (Debian `gnugo`, /usr/games/gnugo,
// run with --chinese-rules --positional-superko). Random games (eye-preserving random moves
// until two passes, so every dead stone is captured) are mirrored move by move: before each
// move GNU Go's `all_legal` must equal torchplay's legal moves, GNU Go must accept the move
// played and refuse a sample of the moves torchplay calls illegal (occupied, suicide, ko),
// and at the end its `final_score` must equal torchplay's Tromp-Taylor score.
// GNUGO_DIFF_GAMES (default 200) sets the number of games.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <unistd.h>

#include "agents/gtp/gtp_client.h"
#include "core/rng.h"
#include "envs/games/go/go_playout.h"
#include "envs/games/go/go_state.h"

namespace tp::agents {
namespace {

using envs::Action;
using envs::go::GoParams;
using envs::go::GoState;
using envs::go::MoveStatus;

constexpr const char* kGnuGo = "/usr/games/gnugo";

std::set<std::string> words_upper(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string w;
  while (in >> w) {
    for (char& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out.insert(w);
  }
  return out;
}

// "B+3.5" -> 3.5, "W+2.0" -> -2, "0" -> 0 (Black's view).
double score_value(const std::string& text) {
  if (text == "0") return 0.0;
  EXPECT_TRUE(text.size() >= 3 && text[1] == '+' && (text[0] == 'B' || text[0] == 'W')) << text;
  const double v = std::atof(text.c_str() + 2);
  return text[0] == 'B' ? v : -v;
}

struct DiffCounts {
  int games = 0, moves = 0, legal_sets = 0, refused_checked = 0, superko_checked = 0, scores = 0;
};

void play_mirrored_game(GtpClient& gnugo, int size, double komi, Rng& rng, DiffCounts& counts) {
  GoParams p;
  p.size = size;
  p.komi = komi;
  p.max_moves = 10 * size * size;  // never reached by eye-preserving random play
  GoState s(p);
  gnugo.expect_ok("boardsize " + std::to_string(size));
  gnugo.expect_ok("clear_board");
  char k[32];
  std::snprintf(k, sizeof k, "komi %g", komi);
  gnugo.expect_ok(k);
  envs::go::RandomMovePicker picker;
  const char* colour[2] = {"black", "white"};
  while (!s.is_terminal()) {
    const int who = s.current_player();
    // 1. The whole legal set agrees.
    std::set<std::string> ours;
    std::vector<Action> occupied, refused;
    for (Action a = 0; a < s.pass_action(); ++a) {
      const MoveStatus st = s.check_move(a);
      if (st == MoveStatus::kLegal)
        ours.insert(s.action_to_string(a));
      else if (st == MoveStatus::kOccupied)
        occupied.push_back(a);
      else
        refused.push_back(a);
      if (st == MoveStatus::kSuperko) ++counts.superko_checked;
    }
    const std::string theirs_text = gnugo.expect_ok(std::string("all_legal ") + colour[who]);
    ASSERT_EQ(words_upper(theirs_text), ours) << "legal moves differ at move " << s.history().size() + 1 << "\n"
                                              << s.to_string();
    ++counts.legal_sets;
    // 2. Moves torchplay refuses are refused by `play` too (every suicide/ko point, one
    // occupied point), and leave GNU Go's position unchanged.
    if (!occupied.empty()) refused.push_back(occupied[rng.below(static_cast<uint32_t>(occupied.size()))]);
    for (Action a : refused) {
      const GtpReply r = gnugo.send(std::string("play ") + colour[who] + " " + s.action_to_string(a));
      ASSERT_FALSE(r.ok) << "GNU Go accepted " << colour[who] << " " << s.action_to_string(a) << " ("
                         << envs::go::describe(s.check_move(a)) << " for torchplay)\n"
                         << s.to_string();
      ++counts.refused_checked;
    }
    // 3. The move played is accepted.
    const Action a = picker.pick(s, rng);
    const GtpReply r = gnugo.send(std::string("play ") + colour[who] + " " + s.action_to_string(a));
    ASSERT_TRUE(r.ok) << "GNU Go refused " << colour[who] << " " << s.action_to_string(a) << ": " << r.text << "\n"
                      << s.to_string();
    s.apply(a);
    ++counts.moves;
  }
  ASSERT_EQ(s.passes(), 2);
  // 4. Every dead stone has been captured: GNU Go's Chinese count equals Tromp-Taylor area.
  const std::string theirs = gnugo.expect_ok("final_score");
  EXPECT_DOUBLE_EQ(score_value(theirs), s.score()) << theirs << " vs " << s.score_string() << "\n" << s.to_string();
  ++counts.scores;
  ++counts.games;
}

TEST(GnuGoDiff, RandomGamesAgreeOnLegalityAndScore) {
  if (access(kGnuGo, X_OK) != 0) GTEST_SKIP() << kGnuGo << " is not installed (Debian package gnugo)";
  const char* env = std::getenv("GNUGO_DIFF_GAMES");
  const int games = env ? std::atoi(env) : 200;
  GtpClient gnugo(std::string(kGnuGo) + " --mode gtp --chinese-rules --positional-superko --level 0", 60.0);
  Rng rng(20241125);
  DiffCounts counts;
  for (int g = 0; g < games; ++g) {
    // Mostly 9x9; every fifth game on 5x5 or 7x7 (more ko and superko fights); integer and
    // half-point komi so draws get checked too.
    const int size = g % 5 == 3 ? 5 : g % 5 == 4 ? 7 : 9;
    const double komi = g % 4 == 0 ? 7.0 : g % 4 == 1 ? 0.5 : 7.5;
    play_mirrored_game(gnugo, size, komi, rng, counts);
    if (HasFatalFailure() || HasFailure()) {
      ADD_FAILURE() << "stopped at game " << g + 1;
      return;
    }
  }
  std::printf(
      "gnugo diff: %d games, %d moves, %d legal sets compared, %d refused moves checked (%d superko), %d scores\n",
      counts.games, counts.moves, counts.legal_sets, counts.refused_checked, counts.superko_checked, counts.scores);
  EXPECT_EQ(counts.games, games);
}

}  // namespace
}  // namespace tp::agents
