// Size-bucketed caching CPU allocator. A fresh page costs ~7 µs on the target machines and training
// re-allocates the same activation sizes every step; glibc returns large blocks to the OS (mmap/munmap)
// and pays that again each time, which made a conv net 3x slower (see shared notes/engine.md).
#include "caching_allocator.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace aa {
namespace {

constexpr size_t kAlignment = 64;  // c10's CPU alignment (AVX-512)
constexpr size_t kHeader = kAlignment;  // block size lives just before the data, keeping data aligned

// Up to 4 KiB: multiples of 64 B. Above: 8 steps per power of two (≤ 12.5% slack).
size_t bucketSize(size_t n) {
  if (n <= 4096) return (n + 63) & ~size_t(63);
  size_t pow2 = size_t(1) << (63 - __builtin_clzll(n));  // largest power of two <= n
  size_t step = pow2 / 8;
  return (n + step - 1) / step * step;
}

// One pool of idle blocks per thread. The replicas of a group (replica_group.h) run on several threads at once: with a
// shared pool a block one core just freed is handed to the other, whose writes then pull its cache lines across, and
// both wait on one lock for every tensor. A block goes back to the pool of the thread that frees it.
struct Pool {
  std::mutex mu;  // taken by its thread on every call, and by emptyCache()/stats() from others: uncontended
  std::unordered_map<size_t, std::vector<void*>> free;
  int64_t live = 0;  // may go negative in one pool (a block freed by another thread); the sum is right
  uint64_t cached = 0, hits = 0, misses = 0;
  bool owned = true;
};

class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(uint64_t maxCached) : maxCached_(maxCached) {}

  // libtorch < 2.3 declares `allocate(size_t) const`, later versions drop the const. Defining both (without
  // `override`) overrides whichever exists, so one source builds against Debian's 1.13 and current pip wheels.
  c10::DataPtr allocate(size_t n) const { return allocateBlock(n); }
  c10::DataPtr allocate(size_t n) { return allocateBlock(n); }

  c10::DataPtr allocateBlock(size_t n) const {
    if (n == 0) return {nullptr, nullptr, &release, c10::Device(c10::DeviceType::CPU)};
    size_t size = bucketSize(n);
    void* base = nullptr;
    Pool& p = pool();
    {
      std::lock_guard<std::mutex> lock(p.mu);
      auto it = p.free.find(size);
      if (it != p.free.end() && !it->second.empty()) {
        base = it->second.back();
        it->second.pop_back();
        p.cached -= size;
        ++p.hits;
      } else {
        ++p.misses;
      }
      p.live += size;
    }
    if (base == nullptr) {
      if (posix_memalign(&base, kAlignment, size + kHeader) != 0) {
        std::lock_guard<std::mutex> lock(p.mu);
        p.live -= size;
        throw std::bad_alloc();
      }
      *static_cast<size_t*>(base) = size;
    }
    void* data = static_cast<char*>(base) + kHeader;
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  // Pure virtual in libtorch >= 2.3, absent before; declared without `override` so both compile.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  static void release(void* data) {
    if (data == nullptr) return;
    instance()->giveBack(static_cast<char*>(data) - kHeader);
  }

  void giveBack(void* base) const {
    size_t size = *static_cast<size_t*>(base);
    Pool& p = pool();
    {
      std::lock_guard<std::mutex> lock(p.mu);
      p.live -= size;
      if (p.cached + size <= maxCached_) {
        p.free[size].push_back(base);
        p.cached += size;
        return;
      }
    }
    std::free(base);
  }

  // Frees the idle blocks of every pool (all threads), or of this thread's pool only.
  void emptyCache(bool thisThreadOnly) const {
    std::vector<Pool*> pools;
    if (thisThreadOnly) {
      pools.push_back(&pool());
    } else {
      std::lock_guard<std::mutex> lock(registryMu_);
      pools = pools_;
    }
    for (Pool* p : pools) {
      std::vector<void*> blocks;
      {
        std::lock_guard<std::mutex> lock(p->mu);
        for (auto& kv : p->free) blocks.insert(blocks.end(), kv.second.begin(), kv.second.end());
        p->free.clear();
        p->cached = 0;
      }
      for (void* b : blocks) std::free(b);
    }
  }

  // A thread that is about to end frees its idle blocks and leaves its pool (with its counters) to the next new thread.
  void retireThreadPool() const {
    Pool*& mine = threadPool();
    if (mine == nullptr) return;
    emptyCache(true);
    std::lock_guard<std::mutex> lock(registryMu_);
    mine->owned = false;
    mine = nullptr;
  }

  AllocatorStats stats() const {
    std::lock_guard<std::mutex> lock(registryMu_);
    int64_t live = 0;
    AllocatorStats s{0, 0, 0, 0};
    for (Pool* p : pools_) {
      std::lock_guard<std::mutex> l(p->mu);
      live += p->live;
      s.cachedBytes += p->cached;
      s.hits += p->hits;
      s.misses += p->misses;
    }
    s.liveBytes = static_cast<uint64_t>(live);
    return s;
  }

  static CachingCpuAllocator*& instance() {
    static CachingCpuAllocator* inst = nullptr;
    return inst;
  }

 private:
  // Plain pointers, never destroyed: tensors freed during static destruction at exit still find their pool.
  static Pool*& threadPool() {
    static thread_local Pool* mine = nullptr;
    return mine;
  }
  Pool& pool() const {
    Pool*& mine = threadPool();
    if (mine != nullptr) return *mine;
    std::lock_guard<std::mutex> lock(registryMu_);
    for (Pool* p : pools_) {
      if (!p->owned) {
        p->owned = true;
        return *(mine = p);
      }
    }
    pools_.push_back(mine = new Pool());
    return *mine;
  }

  uint64_t maxCached_;  // per pool
  mutable std::mutex registryMu_;
  mutable std::vector<Pool*> pools_;
};

}  // namespace

void installCachingCpuAllocator(uint64_t maxCachedBytes) {
  if (CachingCpuAllocator::instance() != nullptr) return;
  // Never destroyed: tensors still alive during static destruction at exit free into it.
  auto* alloc = new CachingCpuAllocator(maxCachedBytes);
  CachingCpuAllocator::instance() = alloc;
  c10::SetAllocator(c10::DeviceType::CPU, alloc, /*priority=*/100);
}

AllocatorStats cachingAllocatorStats() {
  auto* a = CachingCpuAllocator::instance();
  return a ? a->stats() : AllocatorStats{0, 0, 0, 0};
}

void emptyCache() {
  if (auto* a = CachingCpuAllocator::instance()) a->emptyCache(false);
}

void retireThreadCache() {
  if (auto* a = CachingCpuAllocator::instance()) a->retireThreadPool();
}

}  // namespace aa
