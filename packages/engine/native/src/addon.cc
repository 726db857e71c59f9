// Entry point of aa_nas_native.node. At load the caching CPU allocator is installed before any tensor
// exists; the thread count is set from TypeScript (src/engine/native.ts), which knows the env override.
#include "caching_allocator.h"
#include "handles.h"

#include <cstdlib>
#include <string>

namespace {

uint64_t maxCachedBytes() {
  const char* mb = std::getenv("AA_NAS_CACHE_MB");
  if (mb != nullptr && *mb != '\0') return std::strtoull(mb, nullptr, 10) << 20;
  return uint64_t(8) << 30;  // idle blocks kept for reuse; a step's working set is far below this
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  aa::installCachingCpuAllocator(maxCachedBytes());
  aa::registerTensorOps(env, exports);
  aa::registerMathOps(env, exports);
  aa::registerNnOps(env, exports);
  aa::registerShapeOps(env, exports);
  aa::registerAutogradOps(env, exports);
  aa::registerOptimOps(env, exports);
  aa::registerRuntimeOps(env, exports);
  aa::registerReplicaOps(env, exports);
  aa::registerSyncBatchNorm(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(aa_nas_native, Init)
