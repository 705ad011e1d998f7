#pragma once
// The keys distributed AlphaZero's learner and self-play actors share in the learner's
// store (core/key_value_store.h; docs/distributed.md). Each actor registers for an id and
// owns its keys; the learner only reads and deletes them, so no two writers race.
//
//   config          the learner's AlphaZero options as config.ini text (set once)
//   net             the best network as a checkpoint image; net/generation its generation
//   actors          registration counter: an actor's id is add(actors, 1) - 1
//   a/ID/b/SEQ      the actor's SEQ-th batch of finished games (SelfPlayBatch)
//   a/ID/sent       batches the actor has stored; a/ID/taken: batches the learner took
//   sent            all actors' batches stored (the learner polls this one key when idle)
//   net/fetched     bytes of network images the actors have fetched
//   stop            set when the run is over; stopped: actors that saw it
#include <cstdint>
#include <string>

namespace tp::agents::actor_keys {

inline const std::string kPrefix = "tpaz/";
inline const std::string kConfig = kPrefix + "config";
inline const std::string kNetwork = kPrefix + "net";
inline const std::string kGeneration = kPrefix + "net/generation";
inline const std::string kFetchedBytes = kPrefix + "net/fetched";
inline const std::string kActors = kPrefix + "actors";
inline const std::string kSentTotal = kPrefix + "sent";
inline const std::string kStop = kPrefix + "stop";
inline const std::string kStopped = kPrefix + "stopped";

inline std::string actor(int64_t id) { return kPrefix + "a/" + std::to_string(id) + "/"; }
inline std::string batch(int64_t id, int64_t seq) { return actor(id) + "b/" + std::to_string(seq); }
inline std::string sent(int64_t id) { return actor(id) + "sent"; }
inline std::string taken(int64_t id) { return actor(id) + "taken"; }

}  // namespace tp::agents::actor_keys
