#pragma once
// Smart Game Format (FF[4], GM[1]) records of Go games, as GNU Go, KGS and Sabaki read and
// write them: a writer for torchplay's games and a reader for any collection of records.
#include <string>
#include <vector>

#include "envs/games/go/go_state.h"

namespace tp::agents {

struct SgfInfo {
  std::string black, white;  // player names (PB, PW)
  std::string result;        // RE: "B+3.5", "W+R", "0" (draw), "" unknown
  std::string date;          // DT, YYYY-MM-DD ("" omits it)
  std::string comment;       // C on the root node
  // Moves at the start that were random, not the players' choice (torchplay's own property
  // TPRO, which other readers ignore): learning from the record skips them.
  int random_opening = 0;
  std::string rules = "Chinese";
};

// The game `state` as SGF: size, komi, handicap and setup stones (HA, AB, AW, PL) and every
// move of its history (passes as B[]/W[]).
std::string to_sgf(const envs::go::GoState& state, const SgfInfo& info);
// SGF text escaping: ']' and '\' get a backslash.
std::string sgf_escape(const std::string& text);

// One game record as read: the main line (the first variation at every branch).
struct SgfGame {
  int size = 19;                                       // SZ (19 when absent, as FF[4] says)
  double komi = 0.0;                                   // KM (0 when absent)
  int handicap = 0;                                    // HA (0 when absent)
  std::vector<envs::Action> setup_black, setup_white;  // AB, AW on the root (row * size + col)
  int first_player = 0;                                // PL, else the colour of the first move
  std::vector<envs::Action> moves;                     // alternating from first_player; size^2 = pass
  std::string result;                                  // RE as written ("B+R", "W+3.5", "0", "Void", "")
  std::string black, white, rules, date;               // PB, PW, RU, DT
  std::string source;                                  // "file.sgf" or "file.sgf#2" for a collection's 2nd game
  int random_opening = 0;                              // TPRO: the first moves were random (engine-games)

  // Winner from RE: 0 Black, 1 White, -1 draw, -2 unknown (no result, void, unreadable).
  int winner() const;
  // RE says a player resigned ("B+R", "W+Resign").
  bool resigned() const;
  // Passes among the moves.
  int passes() const;
};

// Every game tree of an SGF text (a collection may hold several). tp::Error with a one-line
// reason naming `origin` for malformed text: unbalanced brackets or parentheses, a game other
// than Go (GM), a board that is not square or not 5..19, an unreadable point or number, setup
// stones after the first move, two moves in one node, moves out of turn.
std::vector<SgfGame> parse_sgf(const std::string& text, const std::string& origin = "SGF");

// The game's final position, replayed under torchplay's rules (komi, setup stones, every move
// checked); tp::Error naming the move that torchplay calls illegal. The state is not over
// unless the record ends with two passes. `history` sets the input-plane history; `moves`
// >= 0 stops after that many moves (the position before moves[moves]).
envs::go::GoState replay_sgf(const SgfGame& game, int history = 8, int moves = -1);

struct SgfCollection {
  std::vector<SgfGame> games;       // in path order, every one replayable
  int files = 0;                    // .sgf files read
  int skipped = 0;                  // games (or whole files) left out
  std::vector<std::string> errors;  // "path: why" for the first 20 left out
};

// Every *.sgf file under `path` (a directory, searched recursively, or one file), parsed and
// replayed; malformed files and games torchplay's rules refuse are skipped and counted, never
// fatal. Only a missing or unreadable `path` itself is a tp::Error.
SgfCollection read_sgf_collection(const std::string& path);

// Training and held-out games, split by game, never by position: a game's side is a hash of
// its content (size, setup stones, moves), so it does not depend on the other files, on
// paths or on order, and copies of one game (the same record in two collections) land on
// the same side. About `test_fraction` (0..1) of the games are held out.
struct GameSplit {
  std::vector<const SgfGame*> train, test;
};
GameSplit split_by_game(const std::vector<SgfGame>& games, double test_fraction);

}  // namespace tp::agents
