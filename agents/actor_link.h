#pragma once
// The channel between a learner and its actors in a distributed run (docs/distributed.md):
// the learner serves a store (core/key_value_store.h) on --actors-port; actors on any machine
// connect, take the learner's options and each new network, and send batches of experience
// back. Which experience is the algorithm's business (AlphaZero's self-play games, DQN's
// transitions): here a batch is bytes. Actors come and go: one that dies only stops sending,
// one that starts registers at once, and one that loses the learner reconnects.
//
// The keys, under tp/actors/:
//   kind            the learner's algorithm ("alphazero", "dqn", "r2d2"); config: its options (ini)
//   net             the newest network as a checkpoint image; net/generation: its number
//   actors          registration counter: an actor's id is add(actors, 1) - 1
//   a/ID/b/SEQ      the actor's SEQ-th batch
//   a/ID/sent       batches the actor has stored; a/ID/taken: batches the learner took
//   sent            all actors' batches stored (the learner polls this one key when idle)
//   net/fetched     bytes of network images the actors have fetched
//   stop            set when the run is over; stopped: actors that saw it
// Each actor owns its keys; the learner only reads and deletes them, so no two writers race.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/key_value_store.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents {

// The learner's end.
class ActorHub {
 public:
  // Serves on `port` and publishes `kind` and `config_ini`. Error when the port is taken.
  ActorHub(int port, const std::string& kind, const std::string& config_ini);
  ~ActorHub();
  ActorHub(const ActorHub&) = delete;
  ActorHub& operator=(const ActorHub&) = delete;

  // Makes `image` (a checkpoint image) the network actors act with.
  void publish_network(int64_t generation, const std::string& image);

  struct Received {
    int64_t actor = 0;
    std::string bytes;
  };
  // Every batch the actors have stored since the last call, oldest first per actor; a batch
  // that went missing is described in `dropped`.
  std::vector<Received> take(std::vector<std::string>& dropped);
  // Waits for batches: each one take() returns goes to `accept`, which decodes it and may
  // throw DataError (that batch is dropped, and `note` says why). Every 30 s without one,
  // `note` says the learner waits at `position` and how to start an actor. True once a batch
  // was accepted; false when `stop` says so first.
  bool wait_for_batches(const std::function<bool()>& stop, const std::function<void(Received&)>& accept,
                        const std::function<void(const std::string&)>& note, const std::string& position);

  int64_t actors_registered();
  int64_t bytes_received() const;  // batches
  int64_t bytes_fetched();         // network images, as the actors count them
  double seconds_publishing() const { return publish_seconds_; }
  int port() const;
  // "torchplay actor --learner tcp://HOST:PORT", for messages.
  std::string actor_command() const;

  // Tells the actors the run is over and waits up to `wait_s` for them to acknowledge.
  void release(double wait_s);

 private:
  std::unique_ptr<KeyValueStore> store_;
  std::vector<int64_t> taken_;  // per actor id
  int64_t taken_total_ = 0;
  double publish_seconds_ = 0;
};

// The learner's algorithm at `learner` ("alphazero", "dqn", "r2d2"). ConnectionLost when nothing
// answers within timeout_s; Error when the server is not a torchplay learner.
std::string learner_kind(const TcpAddress& learner, double timeout_s);

// An actor's end. Every call but join() throws ConnectionLost when the learner is gone.
class ActorLink {
 public:
  ActorLink(TcpAddress learner, std::string kind);
  ~ActorLink();

  // Connects (trying for up to timeout_s), checks the learner's kind and registers for a new
  // id. Returns the learner's options (ini text).
  std::string join(double timeout_s);
  // After a ConnectionLost: joins again until the learner answers or timeout_s passes (a
  // learner restarting with --resume may accept a connection and drop it while it comes up).
  std::string rejoin(double timeout_s);
  bool connected() const { return store_ != nullptr; }
  // Closes a connection found dead (the next send throws ConnectionLost).
  void drop() { store_.reset(); }
  int64_t id() const { return id_; }
  int64_t reconnects() const { return reconnects_; }

  // Waits while `max_queued` of this actor's batches are still untaken. False: stop (the
  // learner ended the run, or `interrupted` said so).
  bool wait_for_room(int max_queued, const std::function<bool()>& interrupted);
  // The generation of the learner's newest network; waits for the first one. nullopt: stop.
  std::optional<int64_t> generation(const std::function<bool()>& interrupted);
  // The newest network's image (counted as fetched).
  std::string network();
  void send(const std::string& batch);
  // Whether the learner ended the run (acknowledged once, so the learner stops waiting).
  bool run_ended();
  bool ended() const { return acknowledged_; }  // run_ended() said so
  const TcpAddress& learner() const { return learner_; }
  int64_t bytes_sent() const { return bytes_sent_; }

 private:
  TcpAddress learner_;
  std::string kind_;
  std::unique_ptr<KeyValueStore> store_;
  int64_t id_ = -1, sequence_ = 0, reconnects_ = 0, bytes_sent_ = 0;
  bool acknowledged_ = false;
};

// What every actor reports about its exchange with the learner.
struct ActorTraffic {
  int64_t batches = 0;        // stored on the learner
  int64_t bytes_sent = 0;     // their size
  int64_t networks = 0;       // network images loaded
  int64_t bytes_fetched = 0;  // their size
  double fetch_seconds = 0;   // getting them from the learner's store
  int64_t reconnects = 0;
  double wall_seconds = 0;
  int interrupted_by = 0;  // the signal, when one stopped the actor
};

// An actor's main loop, one for every algorithm: join; then, until the learner ends the run,
// the actor has done its share or a signal comes: wait for room, fetch the learner's network
// when its generation changed, produce a batch, send it. A lost learner is joined again, and
// the batch in hand is sent once it is back.
class ActorLoop {
 public:
  virtual ~ActorLoop() = default;
  // Joins the learner and acts until the run ends, the actor has done its share or a signal
  // comes. Returns the exchange with the learner, counted.
  ActorTraffic run(ActorLink& link, double learner_timeout_s, int max_queued);

 protected:
  // Builds what the learner's options (`config`) ask for; called at every join.
  virtual void joined(const std::string& config) = 0;
  // Loads the learner's network from its checkpoint image (expect() the algorithm and the
  // network's signature, then load the module).
  virtual void load_network(CheckpointReader& image) = 0;
  // The next batch, encoded. False: stop (the run ended or a signal came meanwhile).
  virtual bool produce(std::string& batch) = 0;
  // Counts the batch produce() made, now stored on the learner. True: the actor has done its
  // share.
  virtual bool sent() = 0;
  virtual void note(const std::string& line) = 0;

  // The generation of the learner's network in use; -1 before the first (and after a join).
  int64_t generation() const { return generation_; }

 private:
  void join(const std::string& config);
  // Loads the learner's newest network when its generation changed. False: stop.
  bool refresh_network(ActorLink& link);

  ActorTraffic traffic_;
  int64_t generation_ = -1;
};

}  // namespace tp::agents
