// Creation, conversion to/from JS typed arrays, metadata, device/dtype moves, in-place fills and the
// RNG-driven initialisers (same libtorch calls and order as PyTorch's, so seeds reproduce its weights).
#include "handles.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <cstring>

namespace aa {
namespace {

c10::ScalarType dtypeOfTypedArray(napi_typedarray_type t) {
  switch (t) {
    case napi_float32_array: return at::kFloat;
    case napi_float64_array: return at::kDouble;
    case napi_int32_array: return at::kInt;
    case napi_bigint64_array: return at::kLong;
    case napi_uint8_array: return at::kByte;
    default: throw std::runtime_error("unsupported typed array (use Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array)");
  }
}

at::TensorOptions optionsFrom(const Napi::CallbackInfo& info, size_t dtypeArg, size_t deviceArg) {
  return at::TensorOptions().dtype(argDtype(info, dtypeArg)).device(argDevice(info, deviceArg));
}

// fromTyped(typedArray, shape, dtypeCode | -1, device)
Napi::Value FromTyped(const Napi::CallbackInfo& info) {
  auto arr = info[0].As<Napi::TypedArray>();
  auto shape = argIntList(info, 1);
  auto srcType = dtypeOfTypedArray(arr.TypedArrayType());
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(srcType));
  size_t bytes = t.numel() * t.element_size();
  if (bytes != arr.ByteLength()) {
    throw Napi::Error::New(info.Env(), "tensor data has " + std::to_string(arr.ElementLength()) +
                                           " elements but the shape needs " + std::to_string(t.numel()));
  }
  auto buf = arr.ArrayBuffer();
  if (bytes > 0) std::memcpy(t.data_ptr(), static_cast<char*>(buf.Data()) + arr.ByteOffset(), bytes);
  int64_t dtype = argInt(info, 2);
  if (dtype >= 0 && dtypeFromCode(static_cast<int>(dtype)) != srcType) t = t.to(dtypeFromCode(static_cast<int>(dtype)));
  c10::Device dev = argDevice(info, 3);
  if (!dev.is_cpu()) t = t.to(dev);
  return ret(info.Env(), t);
}

template <typename TA, typename Elem>
Napi::Value copyOut(Napi::Env env, const at::Tensor& t) {
  auto out = TA::New(env, t.numel());
  if (t.numel() > 0) std::memcpy(out.Data(), t.data_ptr(), t.numel() * sizeof(Elem));
  return out;
}

// toTyped(h): a fresh typed array with the tensor's values (row-major).
Napi::Value ToTyped(const Napi::CallbackInfo& info) {
  at::Tensor t = argTensor(info, 0).detach().to(at::kCPU).contiguous();
  Napi::Env env = info.Env();
  switch (t.scalar_type()) {
    case at::kFloat: return copyOut<Napi::Float32Array, float>(env, t);
    case at::kDouble: return copyOut<Napi::Float64Array, double>(env, t);
    case at::kInt: return copyOut<Napi::Int32Array, int32_t>(env, t);
    case at::kLong: return copyOut<Napi::BigInt64Array, int64_t>(env, t);
    case at::kByte: return copyOut<Napi::Uint8Array, uint8_t>(env, t);
    case at::kBool: return copyOut<Napi::Uint8Array, uint8_t>(env, t.to(at::kByte));
    default: return copyOut<Napi::Float32Array, float>(env, t.to(at::kFloat));
  }
}

Napi::Value Item(const Napi::CallbackInfo& info) {
  at::Tensor& t = argTensor(info, 0);
  return Napi::Number::New(info.Env(), t.item<double>());
}

Napi::Value Shape(const Napi::CallbackInfo& info) { return retIntList(info.Env(), argTensor(info, 0).sizes()); }
Napi::Value Dtype(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), dtypeCode(argTensor(info, 0).scalar_type()));
}
Napi::Value DeviceOf(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), argTensor(info, 0).device().str());
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  release(argHandle(info, 0));
  return info.Env().Undefined();
}
// disposeMany(handles[]): one call for a whole scope.
Napi::Value DisposeMany(const Napi::CallbackInfo& info) {
  auto arr = info[0].As<Napi::Array>();
  uint32_t n = arr.Length();
  for (uint32_t k = 0; k < n; ++k) release(arr.Get(k).As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}
Napi::Value LiveTensors(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(liveTensorCount()));
}

// zeros/ones/empty/rand/randn(shape, dtype, device)
template <at::Tensor (*Make)(at::IntArrayRef, at::TensorOptions)>
Napi::Value Create(const Napi::CallbackInfo& info) {
  return ret(info.Env(), Make(argIntList(info, 0), optionsFrom(info, 1, 2)));
}
at::Tensor makeZeros(at::IntArrayRef s, at::TensorOptions o) { return at::zeros(s, o); }
at::Tensor makeOnes(at::IntArrayRef s, at::TensorOptions o) { return at::ones(s, o); }
at::Tensor makeEmpty(at::IntArrayRef s, at::TensorOptions o) { return at::empty(s, o); }
at::Tensor makeRand(at::IntArrayRef s, at::TensorOptions o) { return at::rand(s, o); }
at::Tensor makeRandn(at::IntArrayRef s, at::TensorOptions o) { return at::randn(s, o); }

// full(shape, value, dtype, device)
Napi::Value Full(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::full(argIntList(info, 0), argDouble(info, 1), optionsFrom(info, 2, 3)));
}
// arange(start, end, step, dtype, device)
Napi::Value Arange(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::arange(argDouble(info, 0), argDouble(info, 1), argDouble(info, 2), optionsFrom(info, 3, 4)));
}
// randint(low, high, shape, dtype, device)
Napi::Value Randint(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::randint(argInt(info, 0), argInt(info, 1), argIntList(info, 2), optionsFrom(info, 3, 4)));
}
// randperm(n, seed: bigint | undefined): with a seed it uses a fresh generator seeded with it, like
// torch.randperm(n, generator=torch.Generator().manual_seed(seed)) in PyTorch's RandomSampler.
Napi::Value Randperm(const Napi::CallbackInfo& info) {
  int64_t n = argInt(info, 0);
  if (info.Length() > 1 && info[1].IsBigInt()) {
    bool lossless = true;
    uint64_t seed = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return ret(info.Env(), at::randperm(n, gen, at::TensorOptions().dtype(at::kLong)));
  }
  return ret(info.Env(), at::randperm(n, at::TensorOptions().dtype(at::kLong)));
}
// A random int64 drawn from the default generator, as `torch.empty((), dtype=torch.int64).random_().item()`.
Napi::Value RandomInt64(const Napi::CallbackInfo& info) {
  int64_t v = at::empty({}, at::TensorOptions().dtype(at::kLong)).random_().item<int64_t>();
  return Napi::BigInt::New(info.Env(), v);
}

// to(h, dtype | -1, device | "")
Napi::Value To(const Napi::CallbackInfo& info) {
  at::Tensor t = argTensor(info, 0);
  int64_t dtype = argInt(info, 1);
  std::string dev = info[2].As<Napi::String>().Utf8Value();
  if (dtype >= 0) t = t.to(dtypeFromCode(static_cast<int>(dtype)));
  if (!dev.empty()) t = t.to(c10::Device(dev));
  return ret(info.Env(), t);
}
// moveTo_(h, device): moves a parameter/buffer in place (same handle, same autograd leaf), as Module.to does.
Napi::Value MoveTo(const Napi::CallbackInfo& info) {
  at::Tensor& t = argTensor(info, 0);
  c10::Device dev = argDevice(info, 1);
  if (t.device() != dev) {
    at::NoGradGuard noGrad;
    t.set_data(t.to(dev));
  }
  return info.Env().Undefined();
}

// ---- in-place fills; run without grad tracking like torch.nn.init ----
Napi::Value Uniform(const Napi::CallbackInfo& info) {
  at::NoGradGuard g;
  argTensor(info, 0).uniform_(argDouble(info, 1), argDouble(info, 2));
  return info.Env().Undefined();
}
Napi::Value Normal(const Napi::CallbackInfo& info) {
  at::NoGradGuard g;
  argTensor(info, 0).normal_(argDouble(info, 1), argDouble(info, 2));
  return info.Env().Undefined();
}
Napi::Value Exponential(const Napi::CallbackInfo& info) {
  at::NoGradGuard g;
  argTensor(info, 0).exponential_(argDouble(info, 1));
  return info.Env().Undefined();
}
Napi::Value Fill(const Napi::CallbackInfo& info) {
  at::NoGradGuard g;
  at::Tensor& t = argTensor(info, 0);
  t.fill_(scalarFor(t, argDouble(info, 1)));
  return info.Env().Undefined();
}
Napi::Value Zero(const Napi::CallbackInfo& info) {
  at::NoGradGuard g;
  argTensor(info, 0).zero_();
  return info.Env().Undefined();
}
// copy_(dst, src): copies values (e.g. loading a checkpoint into a parameter), never recorded by autograd.
Napi::Value Copy(const Napi::CallbackInfo& info) {
  at::NoGradGuard g;
  argTensor(info, 0).copy_(argTensor(info, 1));
  return info.Env().Undefined();
}

// resetLinearLike_(weight, bias | -1): nn.Conv2d / nn.Linear reset_parameters() of PyTorch 1.13:
// kaiming_uniform_(w, a=sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Bounds are computed in
// double with the same libm calls Python makes, so the RNG draws and their scaling match bit for bit.
Napi::Value ResetLinearLike(const Napi::CallbackInfo& info) {
  at::NoGradGuard g;
  at::Tensor& w = argTensor(info, 0);
  auto b = argOptTensor(info, 1);
  if (w.dim() < 2) throw Napi::Error::New(info.Env(), "resetLinearLike_: weight needs at least 2 dimensions");
  int64_t receptive = 1;
  for (int64_t d = 2; d < w.dim(); ++d) receptive *= w.size(d);
  int64_t fanIn = w.size(1) * receptive;
  double a = std::sqrt(5.0);
  double gain = std::sqrt(2.0 / (1 + std::pow(a, 2.0)));
  double stdv = gain / std::sqrt(static_cast<double>(fanIn));
  double bound = std::sqrt(3.0) * stdv;
  w.uniform_(-bound, bound);
  if (b.has_value() && fanIn > 0) {
    double bb = 1 / std::sqrt(static_cast<double>(fanIn));
    b->uniform_(-bb, bb);
  }
  return info.Env().Undefined();
}

Napi::Value Detach(const Napi::CallbackInfo& info) { return ret(info.Env(), argTensor(info, 0).detach()); }
Napi::Value Clone(const Napi::CallbackInfo& info) { return ret(info.Env(), argTensor(info, 0).clone()); }
// contiguous(h, channelsLast?: boolean): row-major, or NHWC order for a 4-d tensor
Napi::Value Contiguous(const Napi::CallbackInfo& info) {
  const bool channelsLast = info.Length() > 1 && info[1].IsBoolean() && argBool(info, 1);
  return ret(info.Env(), argTensor(info, 0).contiguous(channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous));
}

}  // namespace

void registerTensorOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "fromTyped", FromTyped);
  AA_EXPORT(e, "toTyped", ToTyped);
  AA_EXPORT(e, "item", Item);
  AA_EXPORT(e, "shape", Shape);
  AA_EXPORT(e, "dtype", Dtype);
  AA_EXPORT(e, "device", DeviceOf);
  AA_EXPORT(e, "dispose", Dispose);
  AA_EXPORT(e, "disposeMany", DisposeMany);
  AA_EXPORT(e, "liveTensors", LiveTensors);
  AA_EXPORT(e, "zeros", Create<makeZeros>);
  AA_EXPORT(e, "ones", Create<makeOnes>);
  AA_EXPORT(e, "empty", Create<makeEmpty>);
  AA_EXPORT(e, "rand", Create<makeRand>);
  AA_EXPORT(e, "randn", Create<makeRandn>);
  AA_EXPORT(e, "full", Full);
  AA_EXPORT(e, "arange", Arange);
  AA_EXPORT(e, "randint", Randint);
  AA_EXPORT(e, "randperm", Randperm);
  AA_EXPORT(e, "randomInt64", RandomInt64);
  AA_EXPORT(e, "to", To);
  AA_EXPORT(e, "moveTo_", MoveTo);
  AA_EXPORT(e, "uniform_", Uniform);
  AA_EXPORT(e, "normal_", Normal);
  AA_EXPORT(e, "exponential_", Exponential);
  AA_EXPORT(e, "fill_", Fill);
  AA_EXPORT(e, "zero_", Zero);
  AA_EXPORT(e, "copy_", Copy);
  AA_EXPORT(e, "resetLinearLike_", ResetLinearLike);
  AA_EXPORT(e, "detach", Detach);
  AA_EXPORT(e, "clone", Clone);
  AA_EXPORT(e, "contiguous", Contiguous);
}

}  // namespace aa
