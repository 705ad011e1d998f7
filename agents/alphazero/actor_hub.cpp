#include "agents/alphazero/actor_hub.h"

#include <chrono>
#include <thread>

#include "agents/alphazero/actor_protocol.h"
#include "core/key_value_store.h"
#include "core/timer.h"

namespace tp::agents {

namespace keys = actor_keys;

ActorHub::ActorHub(int port, const std::string& config_ini, PositionShape shape)
    : store_(KeyValueStore::serve(port)), shape_(shape) {
  store_->set(keys::kConfig, config_ini);
}

ActorHub::~ActorHub() = default;

int ActorHub::port() const { return store_->address().port; }

void ActorHub::publish_network(int64_t generation, const std::string& image) {
  Timer timer;
  // The image first, then its generation: an actor that sees the new number finds the
  // new image (or a newer one, whose own header it reads).
  store_->set(keys::kNetwork, image);
  store_->set(keys::kGeneration, std::to_string(generation));
  publish_seconds_ += timer.seconds();
}

std::vector<ActorHub::Received> ActorHub::take(std::vector<std::string>& dropped) {
  std::vector<Received> out;
  if (store_->add(keys::kSentTotal, 0) == taken_total_) return out;
  const int64_t actors = store_->add(keys::kActors, 0);
  if (static_cast<int64_t>(taken_.size()) < actors) taken_.resize(static_cast<size_t>(actors), 0);
  for (int64_t id = 0; id < actors; ++id) {
    const int64_t sent = store_->add(keys::sent(id), 0);
    while (taken_[id] < sent) {
      const std::string key = keys::batch(id, taken_[id]);
      const auto bytes = store_->get(key);
      ++taken_[id];
      ++taken_total_;
      store_->add(keys::taken(id), 1);
      if (!bytes) {
        dropped.push_back("actor " + std::to_string(id) + "'s batch " + std::to_string(taken_[id] - 1) + " is missing");
        continue;
      }
      store_->erase(key);
      try {
        out.push_back({id, SelfPlayBatch::decode(*bytes, shape_, "actor " + std::to_string(id)),
                       static_cast<int64_t>(bytes->size())});
      } catch (const DataError& e) {
        dropped.push_back(e.what());
      }
    }
  }
  return out;
}

int64_t ActorHub::actors_registered() { return store_->add(keys::kActors, 0); }
int64_t ActorHub::bytes_received() const { return store_->bytes_received(); }
int64_t ActorHub::bytes_fetched() { return store_->add(keys::kFetchedBytes, 0); }

void ActorHub::release(double wait_s) {
  store_->set(keys::kStop, "1");
  Timer timer;
  // Actors that died never answer: wait for the live ones, up to wait_s.
  while (timer.seconds() < wait_s && store_->add(keys::kStopped, 0) < store_->add(keys::kActors, 0))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace tp::agents
