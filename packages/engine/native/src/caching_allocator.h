#pragma once
#include <cstddef>
#include <cstdint>

namespace aa {

struct AllocatorStats {
  uint64_t liveBytes;    // handed out to tensors right now (bucket sizes)
  uint64_t cachedBytes;  // freed by tensors, kept for reuse
  uint64_t hits;         // allocations served from the cache
  uint64_t misses;       // allocations that went to the system
};

// Registers the caching allocator (idle blocks are kept per thread, up to maxCachedBytes each) as libtorch's CPU allocator. Call once, before any tensor exists.
void installCachingCpuAllocator(uint64_t maxCachedBytes);
AllocatorStats cachingAllocatorStats();
// Returns every cached (idle) block to the system (the idle blocks of every thread's pool).
void emptyCache();
// For a thread about to end (a replica's worker): frees its idle blocks and hands its pool to the next new thread.
void retireThreadCache();

}  // namespace aa
