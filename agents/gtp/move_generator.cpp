#include "agents/gtp/move_generator.h"

#include "agents/game_player.h"
#include "core/error.h"

namespace tp::agents {

GamePlayerMoveGenerator::GamePlayerMoveGenerator(std::unique_ptr<GamePlayer> player, double resign_below, int only_size)
    : player_(std::move(player)), resign_below_(resign_below), only_size_(only_size) {
  TP_CHECK(player_ != nullptr, "GamePlayerMoveGenerator needs a player");
}

GamePlayerMoveGenerator::~GamePlayerMoveGenerator() = default;

std::string GamePlayerMoveGenerator::name() const { return player_->name(); }

envs::Action GamePlayerMoveGenerator::generate(const envs::go::GoState& state) {
  const envs::Action a = player_->select_action(state);
  const SearchInfo* info = player_->last_search();
  if (info && !info->visits.empty() && info->value < resign_below_) return kResign;
  return a;
}

void GamePlayerMoveGenerator::new_game() { player_->new_game(); }

void GamePlayerMoveGenerator::set_move_time(double seconds) { player_->set_move_time(seconds); }

}  // namespace tp::agents
