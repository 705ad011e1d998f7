#pragma once
// The learner's end of distributed AlphaZero (docs/distributed.md): it serves the store that
// self-play actors on any machine connect to (`torchplay actor --learner tcp://HOST:PORT`),
// publishes the options and each new best network, and takes the games the actors send.
// Actors come and go: one that dies only stops sending; one that starts registers at once.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/alphazero/self_play_batch.h"

namespace tp {
class KeyValueStore;
}

namespace tp::agents {

class ActorHub {
 public:
  // Serves on `port` and publishes `config_ini` (the run's AlphaZero options). Error when
  // the port is taken.
  ActorHub(int port, const std::string& config_ini, PositionShape shape);
  ~ActorHub();
  ActorHub(const ActorHub&) = delete;
  ActorHub& operator=(const ActorHub&) = delete;

  // Makes `image` (a checkpoint image holding module "best") the network actors play with.
  void publish_network(int64_t generation, const std::string& image);

  struct Received {
    int64_t actor = 0;
    SelfPlayBatch batch;
    int64_t bytes = 0;
  };
  // Every batch the actors have stored since the last call, oldest first per actor. A batch
  // that fails to decode is dropped and described in `dropped`.
  std::vector<Received> take(std::vector<std::string>& dropped);

  int64_t actors_registered();
  int64_t bytes_received() const;  // batches
  int64_t bytes_fetched();         // network images, as the actors count them
  double seconds_publishing() const { return publish_seconds_; }
  int port() const;

  // Tells the actors the run is over and waits up to `wait_s` for them to acknowledge.
  void release(double wait_s);

 private:
  std::unique_ptr<KeyValueStore> store_;
  PositionShape shape_;
  std::vector<int64_t> taken_;  // per actor id
  int64_t taken_total_ = 0;
  double publish_seconds_ = 0;
};

}  // namespace tp::agents
