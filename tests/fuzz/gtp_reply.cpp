// Fuzz target: what an external GTP engine may write back to `torchplay match` (gnugo, any
// program a user names). The bytes go through the client's framing (take_gtp_reply), id check
// (parse_gtp_reply), and what the referee reads from a reply: a vertex and a final_score text.
// Promise: replies are framed or waited for, never a crash; text is only ever parsed.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "agents/gtp/gtp_client.h"
#include "envs/games/go/go_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string buffer;
  for (size_t i = 0; i < size; ++i)
    if (data[i] != '\r') buffer += static_cast<char>(data[i]);  // as the client reads them
  long id = 1;
  while (std::optional<std::string> reply = tp::agents::take_gtp_reply(buffer)) {
    if (reply->empty() || ((*reply)[0] != '=' && (*reply)[0] != '?')) {
      std::fprintf(stderr, "finding: a framed reply that does not start with = or ?\n");
      std::abort();
    }
    const std::optional<tp::agents::GtpReply> parsed = tp::agents::parse_gtp_reply(*reply, std::to_string(id++));
    if (!parsed) continue;
    int row = -1, col = -1;
    for (int board_size : {5, 9, 19})
      if (tp::envs::go::parse_gtp_vertex(parsed->text, board_size, row, col) &&
          (row < 0 || row >= board_size || col < 0 || col >= board_size)) {
        std::fprintf(stderr, "finding: vertex '%s' parsed off a %d board\n", parsed->text.c_str(), board_size);
        std::abort();
      }
    const int winner = tp::agents::final_score_winner(parsed->text);
    const double value = tp::agents::final_score_value(parsed->text);
    if (winner == -1 && value != 0.0) std::abort();
  }
  return 0;
}
