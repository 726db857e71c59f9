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
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        base = it->second.back();
        it->second.pop_back();
        cached_ -= size;
        ++hits_;
      } else {
        ++misses_;
      }
      live_ += size;
    }
    if (base == nullptr) {
      if (posix_memalign(&base, kAlignment, size + kHeader) != 0) {
        std::lock_guard<std::mutex> lock(mu_);
        live_ -= size;
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
    {
      std::lock_guard<std::mutex> lock(mu_);
      live_ -= size;
      if (cached_ + size <= maxCached_) {
        free_[size].push_back(base);
        cached_ += size;
        return;
      }
    }
    std::free(base);
  }

  void emptyCache() const {
    std::vector<void*> blocks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& kv : free_) {
        blocks.insert(blocks.end(), kv.second.begin(), kv.second.end());
      }
      free_.clear();
      cached_ = 0;
    }
    for (void* b : blocks) std::free(b);
  }

  AllocatorStats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {live_, cached_, hits_, misses_};
  }

  static CachingCpuAllocator*& instance() {
    static CachingCpuAllocator* inst = nullptr;
    return inst;
  }

 private:
  uint64_t maxCached_;
  mutable std::mutex mu_;
  mutable std::unordered_map<size_t, std::vector<void*>> free_;
  mutable uint64_t live_ = 0, cached_ = 0, hits_ = 0, misses_ = 0;
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
  if (auto* a = CachingCpuAllocator::instance()) a->emptyCache();
}

}  // namespace aa
