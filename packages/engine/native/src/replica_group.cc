#include "replica_group.h"

#include "handles.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <sched.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace aa {

struct ReplicaGroup::State {
  std::atomic<int> arrived{0};
  std::atomic<uint64_t> generation{0};
  std::atomic<bool> aborted{false};
  std::mutex mu;
  std::condition_variable cv;
  std::string reason;
};

ReplicaGroup::ReplicaGroup(int world) : world_(world), state_(new State()), round_(world, 0), tensors_(world) {
  slots_[0].resize(world);
  slots_[1].resize(world);
}
ReplicaGroup::~ReplicaGroup() { delete state_; }

namespace {
thread_local double waitedSeconds = 0;  // this thread's time inside barriers, for replicaWaitSeconds()
}

// Spins briefly before sleeping: replicas doing the same work arrive within microseconds of each other, and a wake-up
// through the kernel costs more than that; a replica held up for longer (descheduled, a checkpoint) is waited for
// asleep so that it gets the core.
void ReplicaGroup::barrier() {
  struct Timer {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    ~Timer() { waitedSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); }
  } timer;
  State& s = *state_;
  const uint64_t gen = s.generation.load(std::memory_order_acquire);
  if (s.arrived.fetch_add(1, std::memory_order_acq_rel) == world_ - 1) {
    s.arrived.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.generation.store(gen + 1, std::memory_order_release);
    }
    s.cv.notify_all();
    return;
  }
  // Spin on the core for a few microseconds, then offer it to other threads (a partner replica that shares it when the
  // machine is oversubscribed), then sleep.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0;; i++) {
    if (s.generation.load(std::memory_order_acquire) != gen) return;
    if (s.aborted.load(std::memory_order_acquire)) break;
    if ((i & 63) == 63) {
      const auto waited = std::chrono::steady_clock::now() - start;
      if (waited > std::chrono::microseconds(200)) break;
      if (waited > std::chrono::microseconds(20)) sched_yield();
    }
#if defined(__x86_64__)
    _mm_pause();
#endif
  }
  std::unique_lock<std::mutex> lock(s.mu);
  s.cv.wait(lock, [&] { return s.generation.load(std::memory_order_acquire) != gen || s.aborted.load(); });
  if (s.generation.load(std::memory_order_acquire) == gen) throw PlainError(s.reason);
}

void ReplicaGroup::abort(const std::string& reason) {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.aborted.load()) return;
    s.reason = reason;
    s.aborted.store(true, std::memory_order_release);
  }
  s.cv.notify_all();
}

const std::vector<std::vector<double>>& ReplicaGroup::exchange(int rank, std::vector<double> local) {
  auto& slots = slots_[round_[rank] % 2];
  ++round_[rank];
  slots[rank] = std::move(local);
  barrier();
  return slots;
}

namespace {

template <typename T>
void reduceRange(const std::vector<std::vector<at::Tensor>>& all, size_t k, int64_t begin, int64_t end, bool max) {
  const int world = static_cast<int>(all.size());
  T* first = all[0][k].data_ptr<T>();
  for (int64_t i = begin; i < end; i++) {
    T v = first[i];
    for (int r = 1; r < world; r++) {
      const T o = all[r][k].data_ptr<T>()[i];
      v = max ? (o > v ? o : v) : v + o;
    }
    for (int r = 0; r < world; r++) all[r][k].data_ptr<T>()[i] = v;
  }
}

bool reducible(const at::Tensor& t) { return t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble; }

}  // namespace

// Rank r combines the r-th share of every tensor's elements for all ranks, so the work is spread while each element
// is still added in rank order (the same bits whichever rank computes it); a broadcast is each rank copying rank 0's
// values into its own tensors. Barriers: all tensors posted; all written.
void ReplicaGroup::reduce(int rank, const std::vector<at::Tensor>& tensors, Op op) {
  for (const at::Tensor& t : tensors) {
    if (!t.device().is_cpu() || !t.is_contiguous() || (op != Op::Broadcast && !reducible(t))) {
      throw std::runtime_error(op == Op::Broadcast ? "replica broadcast takes contiguous CPU tensors"
                                                   : "replica all-reduce takes contiguous CPU float32 or float64 tensors");
    }
  }
  tensors_[rank] = tensors;
  barrier();
  for (int r = 0; r < world_; r++) {
    bool same = tensors_[r].size() == tensors.size();
    for (size_t k = 0; same && k < tensors.size(); k++) {
      same = tensors_[r][k].sizes() == tensors[k].sizes() && tensors_[r][k].scalar_type() == tensors[k].scalar_type();
    }
    if (!same) {
      abort("replicas passed different tensor lists to a collective operation");
      throw PlainError("replicas passed different tensor lists to a collective operation");
    }
  }
  for (size_t k = 0; k < tensors.size(); k++) {
    if (op == Op::Broadcast) {
      if (rank != 0) tensors[k].copy_(tensors_[0][k]);
      continue;
    }
    const int64_t n = tensors[k].numel();
    const int64_t begin = n * rank / world_, end = n * (rank + 1) / world_;
    if (tensors[k].scalar_type() == at::kFloat) {
      reduceRange<float>(tensors_, k, begin, end, op == Op::Max);
    } else {
      reduceRange<double>(tensors_, k, begin, end, op == Op::Max);
    }
  }
  barrier();
  tensors_[rank].clear();
}

void ReplicaGroup::allReduceSum(int rank, const std::vector<at::Tensor>& tensors) { reduce(rank, tensors, Op::Sum); }
void ReplicaGroup::allReduceMax(int rank, const std::vector<at::Tensor>& tensors) { reduce(rank, tensors, Op::Max); }
void ReplicaGroup::broadcast(int rank, const std::vector<at::Tensor>& tensors) { reduce(rank, tensors, Op::Broadcast); }

namespace {

std::mutex registryMu;
std::map<int64_t, std::shared_ptr<ReplicaGroup>>& registry() {
  static auto* groups = new std::map<int64_t, std::shared_ptr<ReplicaGroup>>();  // leaked: see handles.cc
  return *groups;
}
int64_t nextId = 1;

// The group, or null when there is none (already released).
std::shared_ptr<ReplicaGroup> findOrNull(int64_t id) {
  std::lock_guard<std::mutex> lock(registryMu);
  auto it = registry().find(id);
  return it == registry().end() ? nullptr : it->second;
}
std::shared_ptr<ReplicaGroup> find(int64_t id) {
  auto g = findOrNull(id);
  if (g == nullptr) throw std::runtime_error("no replica group " + std::to_string(id));
  return g;
}

int argRank(const Napi::CallbackInfo& info, size_t i, const ReplicaGroup& g) {
  const int64_t rank = argInt(info, i);
  if (rank < 0 || rank >= g.world()) throw std::runtime_error("replica rank " + std::to_string(rank) + " is outside 0.." + std::to_string(g.world() - 1));
  return static_cast<int>(rank);
}

// replicaGroupCreate(world) -> id
Napi::Value Create(const Napi::CallbackInfo& info) {
  const int64_t world = argInt(info, 0);
  if (world < 1 || world > 256) throw std::runtime_error("a replica group has 1..256 replicas, not " + std::to_string(world));
  std::lock_guard<std::mutex> lock(registryMu);
  const int64_t id = nextId++;
  registry()[id] = std::make_shared<ReplicaGroup>(static_cast<int>(world));
  return Napi::Number::New(info.Env(), double(id));
}
// replicaGroupRelease(id): forgets the group (replicas still inside a call keep it alive until they return)
Napi::Value Release(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(registryMu);
  registry().erase(argInt(info, 0));
  return info.Env().Undefined();
}
// replicaGroupAbort(id, reason)
Napi::Value Abort(const Napi::CallbackInfo& info) {
  if (auto g = findOrNull(argInt(info, 0))) g->abort(info[1].As<Napi::String>().Utf8Value());
  return info.Env().Undefined();
}
// replicaGroupAbortAll(reason): aborts every group of the process (shutting down a thread that may wait in one)
Napi::Value AbortAll(const Napi::CallbackInfo& info) {
  std::vector<std::shared_ptr<ReplicaGroup>> groups;
  {
    std::lock_guard<std::mutex> lock(registryMu);
    for (auto& kv : registry()) groups.push_back(kv.second);
  }
  const std::string reason = info[0].As<Napi::String>().Utf8Value();
  for (auto& g : groups) g->abort(reason);
  return info.Env().Undefined();
}
// replicaCollective(id, rank, handles[], op: 0 sum, 1 max, 2 broadcast from rank 0)
Napi::Value Collective(const Napi::CallbackInfo& info) {
  auto g = find(argInt(info, 0));
  const int rank = argRank(info, 1, *g);
  const auto tensors = argTensorList(info, 2);
  at::NoGradGuard noGrad;
  switch (argInt(info, 3)) {
    case 0: g->allReduceSum(rank, tensors); break;
    case 1: g->allReduceMax(rank, tensors); break;
    case 2: g->broadcast(rank, tensors); break;
    default: throw std::runtime_error("unknown replica collective operation");
  }
  return info.Env().Undefined();
}

// replicaWaitSeconds() -> seconds this thread has spent waiting for the other replicas of its groups
Napi::Value WaitSeconds(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), waitedSeconds); }

}  // namespace

std::shared_ptr<ReplicaGroup> replicaGroup(int64_t id) { return find(id); }

void registerReplicaOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "replicaGroupCreate", Create);
  AA_EXPORT(e, "replicaGroupRelease", Release);
  AA_EXPORT(e, "replicaGroupAbort", Abort);
  AA_EXPORT(e, "replicaGroupAbortAll", AbortAll);
  AA_EXPORT(e, "replicaCollective", Collective);
  AA_EXPORT(e, "replicaWaitSeconds", WaitSeconds);
}

}  // namespace aa
