#include "agents/actor_link.h"

#include <chrono>
#include <thread>

#include "core/checkpoint.h"
#include "core/interrupt.h"
#include "core/timer.h"

namespace tp::agents {

namespace keys {
const std::string kPrefix = "tp/actors/";
const std::string kKind = kPrefix + "kind";
const std::string kConfig = kPrefix + "config";
const std::string kNetwork = kPrefix + "net";
const std::string kGeneration = kPrefix + "net/generation";
const std::string kFetchedBytes = kPrefix + "net/fetched";
const std::string kActors = kPrefix + "actors";
const std::string kSentTotal = kPrefix + "sent";
const std::string kStop = kPrefix + "stop";
const std::string kStopped = kPrefix + "stopped";

std::string actor(int64_t id) { return kPrefix + "a/" + std::to_string(id) + "/"; }
std::string batch(int64_t id, int64_t seq) { return actor(id) + "b/" + std::to_string(seq); }
std::string sent(int64_t id) { return actor(id) + "sent"; }
std::string taken(int64_t id) { return actor(id) + "taken"; }
}  // namespace keys

namespace {
void pause_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
// An actor stops waiting and acting once a signal came (SIGINT, SIGTERM).
bool interrupted() { return pending_interrupt() != 0; }
}  // namespace

ActorHub::ActorHub(int port, const std::string& kind, const std::string& config_ini)
    : store_(KeyValueStore::serve(port)) {
  store_->set(keys::kConfig, config_ini);
  store_->set(keys::kKind, kind);  // last: an actor that sees the kind finds the options
}

ActorHub::~ActorHub() = default;

int ActorHub::port() const { return store_->address().port; }

std::string ActorHub::actor_command() const { return "torchplay actor --learner tcp://HOST:" + std::to_string(port()); }

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
      auto bytes = store_->get(key);
      ++taken_[id];
      ++taken_total_;
      store_->add(keys::taken(id), 1);
      if (!bytes) {
        dropped.push_back("actor " + std::to_string(id) + "'s batch " + std::to_string(taken_[id] - 1) + " is missing");
        continue;
      }
      store_->erase(key);
      out.push_back({id, std::move(*bytes)});
    }
  }
  return out;
}

bool ActorHub::wait_for_batches(const std::function<bool()>& stop, const std::function<void(Received&)>& accept,
                                const std::function<void(const std::string&)>& note, const std::string& position) {
  Timer quiet;
  while (!stop()) {
    std::vector<std::string> dropped;
    bool accepted = false;
    for (Received& r : take(dropped)) try {
        accept(r);
        accepted = true;
      } catch (const DataError& e) {
        dropped.push_back(e.what());
      }
    for (const auto& d : dropped) note("dropped a batch: " + d);
    if (accepted) return true;
    if (quiet.seconds() > 30) {
      note("waiting for actors at " + position + " (start one with: " + actor_command() + ")");
      quiet.reset();
    }
    pause_ms(5);
  }
  return false;
}

int64_t ActorHub::actors_registered() { return store_->add(keys::kActors, 0); }
int64_t ActorHub::bytes_received() const { return store_->bytes_received(); }
int64_t ActorHub::bytes_fetched() { return store_->add(keys::kFetchedBytes, 0); }

void ActorHub::release(double wait_s) {
  store_->set(keys::kStop, "1");
  Timer timer;
  // Actors that died never answer: wait for the live ones, up to wait_s.
  while (timer.seconds() < wait_s && store_->add(keys::kStopped, 0) < store_->add(keys::kActors, 0)) pause_ms(50);
}

namespace {
// The learner's kind, read from a fresh connection; a learner publishes it right after it
// starts serving, so give it a moment.
std::string read_kind(KeyValueStore& store) {
  std::optional<std::string> kind;
  for (Timer waited; !(kind = store.get(keys::kKind)) && waited.seconds() < 10;) pause_ms(50);
  TP_CHECK(kind.has_value(), "the server at ", store.address().str(), " is not a torchplay learner");
  return *kind;
}
}  // namespace

std::string learner_kind(const TcpAddress& learner, double timeout_s) {
  auto store = KeyValueStore::connect(learner, timeout_s);
  return read_kind(*store);
}

ActorLink::ActorLink(TcpAddress learner, std::string kind) : learner_(std::move(learner)), kind_(std::move(kind)) {}
ActorLink::~ActorLink() = default;

std::string ActorLink::join(double timeout_s) {
  store_ = KeyValueStore::connect(learner_, timeout_s);
  const std::string kind = read_kind(*store_);
  TP_CHECK(kind == kind_, "the learner at ", learner_.str(), " runs ", kind, ", not ", kind_);
  const auto config = store_->get(keys::kConfig);
  TP_CHECK(config.has_value(), "the learner at ", learner_.str(), " published no options");
  id_ = store_->add(keys::kActors, 1) - 1;
  sequence_ = 0;
  return *config;
}

std::string ActorLink::rejoin(double timeout_s) {
  store_.reset();
  ++reconnects_;
  Timer waited;
  // A learner that was just killed may still take connections for a moment while its
  // process ends, and then reset them: give it that moment before knocking again.
  pause_ms(1000);
  while (true) {
    try {
      return join(std::max(1.0, timeout_s - waited.seconds()));
    } catch (const ConnectionLost&) {
      store_.reset();
      if (waited.seconds() >= timeout_s)
        TP_THROW(ConnectionLost, "the learner at ", learner_.str(), " did not come back within ", timeout_s, " s");
      pause_ms(500);
    }
  }
}

bool ActorLink::wait_for_room(int max_queued, const std::function<bool()>& interrupted) {
  while (sequence_ - store_->add(keys::taken(id_), 0) >= max_queued) {
    if (interrupted() || run_ended()) return false;
    pause_ms(10);
  }
  return !interrupted() && !run_ended();
}

std::optional<int64_t> ActorLink::generation(const std::function<bool()>& interrupted) {
  std::optional<std::string> generation;
  while (!(generation = store_->get(keys::kGeneration))) {  // a learner publishes before it needs experience
    if (interrupted() || run_ended()) return std::nullopt;
    pause_ms(100);
  }
  return std::stoll(*generation);
}

std::string ActorLink::network() {
  auto image = store_->get(keys::kNetwork);
  TP_CHECK(image.has_value(), "the learner at ", learner_.str(), " published no network");
  store_->add(keys::kFetchedBytes, static_cast<int64_t>(image->size()));
  return std::move(*image);
}

void ActorLink::send(const std::string& batch) {
  if (!store_) TP_THROW(ConnectionLost, "the connection to ", learner_.str(), " dropped");
  store_->set(keys::batch(id_, sequence_), batch);
  store_->add(keys::sent(id_), 1);
  store_->add(keys::kSentTotal, 1);
  ++sequence_;
  bytes_sent_ += static_cast<int64_t>(batch.size());
}

bool ActorLink::run_ended() {
  if (!store_->has(keys::kStop)) return false;
  if (!acknowledged_) store_->add(keys::kStopped, 1);
  acknowledged_ = true;
  return true;
}

void ActorLoop::join(const std::string& config) {
  generation_ = -1;  // the learner may be another run now: fetch its network afresh
  joined(config);
}

bool ActorLoop::refresh_network(ActorLink& link) {
  const auto generation = link.generation(interrupted);
  if (!generation) return false;
  if (*generation == generation_) return true;
  Timer fetch;
  const std::string image = link.network();
  traffic_.fetch_seconds += fetch.seconds();
  CheckpointReader reader = CheckpointReader::from_image(image, "the learner's network");
  load_network(reader);
  generation_ = reader.header().counter("generation");
  ++traffic_.networks;
  traffic_.bytes_fetched += static_cast<int64_t>(image.size());
  return true;
}

ActorTraffic ActorLoop::run(ActorLink& link, double learner_timeout_s, int max_queued) {
  Timer wall;
  traffic_ = ActorTraffic{};
  join(link.join(learner_timeout_s));
  std::string unsent;  // produced, not yet stored on the learner
  bool holding = false;
  while (true) {
    try {
      if (holding) {
        link.send(unsent);
        holding = false;
        ++traffic_.batches;
        traffic_.bytes_sent += static_cast<int64_t>(unsent.size());
        if (sent()) break;
      }
      if (!link.wait_for_room(max_queued, interrupted) || !refresh_network(link)) break;
      if (!produce(unsent)) break;
      holding = true;
    } catch (const ConnectionLost& e) {
      note(std::string("lost the learner (") + e.what() + "); reconnecting for up to " +
           std::to_string(static_cast<int>(learner_timeout_s)) + " s" + (holding ? ", holding a batch" : ""));
      join(link.rejoin(learner_timeout_s));
    }
  }
  if (link.ended()) note("the learner ended the run");
  traffic_.reconnects = link.reconnects();
  traffic_.interrupted_by = pending_interrupt();
  traffic_.wall_seconds = wall.seconds();
  return traffic_;
}

}  // namespace tp::agents
