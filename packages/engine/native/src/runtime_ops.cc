// Process-wide settings: seeds, threads, devices, allocator statistics.
#include "caching_allocator.h"
#include "handles.h"

#include <torch/cuda.h>
#include <torch/version.h>
#include <ATen/Parallel.h>

namespace aa {
namespace {

// manualSeed(seed: number | bigint) — torch.manual_seed: seeds the CPU generator and every CUDA device's.
Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  uint64_t seed;
  if (info[0].IsBigInt()) {
    bool lossless = true;
    seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  } else {
    seed = static_cast<uint64_t>(argInt(info, 0));
  }
  at::manual_seed(seed);
  return info.Env().Undefined();
}
Napi::Value CudaAvailable(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), torch::cuda::is_available()); }
Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(torch::cuda::device_count()));
}
Napi::Value CudaSynchronize(const Napi::CallbackInfo& info) {
  if (torch::cuda::is_available()) torch::cuda::synchronize();
  return info.Env().Undefined();
}
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  at::set_num_threads(static_cast<int>(argInt(info, 0)));
  return info.Env().Undefined();
}
Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }
Napi::Value AllocatorStatsFn(const Napi::CallbackInfo& info) {
  AllocatorStats s = cachingAllocatorStats();
  auto o = Napi::Object::New(info.Env());
  o.Set("liveBytes", double(s.liveBytes));
  o.Set("cachedBytes", double(s.cachedBytes));
  o.Set("hits", double(s.hits));
  o.Set("misses", double(s.misses));
  return o;
}
Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  emptyCache();
  return info.Env().Undefined();
}
// retireThreadCache(): a replica worker's last call (caching_allocator.h)
Napi::Value RetireThreadCache(const Napi::CallbackInfo& info) {
  retireThreadCache();
  return info.Env().Undefined();
}
Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TORCH_VERSION); }
// A no-op round trip, to measure the bare N-API call cost next to real ops.
Napi::Value Noop(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), argInt(info, 0)); }

}  // namespace

void registerRuntimeOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "manualSeed", ManualSeed);
  AA_EXPORT(e, "cudaAvailable", CudaAvailable);
  AA_EXPORT(e, "cudaDeviceCount", CudaDeviceCount);
  AA_EXPORT(e, "cudaSynchronize", CudaSynchronize);
  AA_EXPORT(e, "setNumThreads", SetNumThreads);
  AA_EXPORT(e, "getNumThreads", GetNumThreads);
  AA_EXPORT(e, "allocatorStats", AllocatorStatsFn);
  AA_EXPORT(e, "emptyCache", EmptyCache);
  AA_EXPORT(e, "retireThreadCache", RetireThreadCache);
  AA_EXPORT(e, "libtorchVersion", Version);
  AA_EXPORT(e, "noop", Noop);
}

}  // namespace aa
