#include "envs/games/game_registry.h"

#include <cctype>

#include "core/error.h"
#include "core/text.h"
#include "envs/games/connect4.h"
#include "envs/games/go/go_state.h"
#include "envs/games/k_in_row.h"
#include "envs/games/othello.h"

namespace tp::envs {

void GameRegistry::add(GameSpec spec) {
  TP_CHECK(!contains(spec.name), "game '", spec.name, "' registered twice");
  specs_.push_back(std::move(spec));
}

bool GameRegistry::contains(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return true;
  return false;
}

const GameSpec& GameRegistry::spec(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return s;
  TP_THROW(UsageError, "unknown game '", printable(name), "'", did_you_mean(name, names()), " (known: ", names_text(),
           ")");
}

std::unique_ptr<GameState> GameRegistry::make(const std::string& name, const std::string& params) const {
  return spec(name).make(params);
}

std::vector<std::string> GameRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) out.push_back(s.name);
  return out;
}

std::string GameRegistry::names_text() const {
  std::string out;
  for (const auto& s : specs_) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

GameRegistry make_game_registry() {
  GameRegistry r;
  r.add(tictactoe_spec());
  r.add(connect4_spec());
  r.add(gomoku_spec());
  r.add(othello_spec());
  r.add(go_spec());
  return r;
}

std::unique_ptr<GameState> state_from_moves(const GameState& initial, const std::vector<std::string>& moves) {
  auto state = initial.clone();
  for (size_t i = 0; i < moves.size(); ++i) {
    Action a = kInvalidAction;
    try {
      a = state->string_to_action(moves[i]);
    } catch (const Error& e) {
      TP_THROW(Error, "move ", i + 1, " '", moves[i], "': ", e.what());
    }
    TP_CHECK(state->is_legal(a), "move ", i + 1, " '", moves[i], "' is illegal in this ", state->info().name,
             " position", state->is_terminal() ? " (the game is already over)" : "");
    state->apply(a);
  }
  return state;
}

std::vector<std::string> split_move_list(const std::string& text) {
  bool digits_only = !text.empty();
  for (char ch : text) digits_only = digits_only && std::isdigit(static_cast<unsigned char>(ch));
  std::vector<std::string> out;
  if (digits_only) {
    for (char ch : text) out.emplace_back(1, ch);
    return out;
  }
  std::string cur;
  for (char ch : text) {
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace tp::envs
