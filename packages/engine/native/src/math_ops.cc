// Elementwise and reduction ops. Families share one entry point with an op code (codes mirror
// src/engine/opcodes.ts) so the addon stays small; the switch costs nothing next to libtorch's dispatch.
#include "handles.h"

#include <cmath>
#include <limits>

namespace aa {
namespace {

enum Unary { kRelu, kSigmoid, kTanh, kNeg, kExp, kLog, kSqrt, kAbs, kReciprocal, kSquare, kRsqrt, kSign, kFloor, kLogicalNot };

at::Tensor unaryOp(int code, const at::Tensor& x) {
  switch (code) {
    case kRelu: return at::relu(x);
    case kSigmoid: return at::sigmoid(x);
    case kTanh: return at::tanh(x);
    case kNeg: return at::neg(x);
    case kExp: return at::exp(x);
    case kLog: return at::log(x);
    case kSqrt: return at::sqrt(x);
    case kAbs: return at::abs(x);
    case kReciprocal: return at::reciprocal(x);
    case kSquare: return at::square(x);
    case kRsqrt: return at::rsqrt(x);
    case kSign: return at::sign(x);
    case kFloor: return at::floor(x);
    case kLogicalNot: return at::logical_not(x);
    default: throw std::runtime_error("unknown unary op code " + std::to_string(code));
  }
}

enum Binary { kAdd, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kEq, kNe, kLt, kLe, kGt, kGe, kRsub, kRdiv };

at::Tensor binaryOp(int code, const at::Tensor& a, const at::Tensor& b) {
  switch (code) {
    case kAdd: return at::add(a, b);
    case kSub: return at::sub(a, b);
    case kMul: return at::mul(a, b);
    case kDiv: return at::div(a, b);
    case kPow: return at::pow(a, b);
    case kMaximum: return at::maximum(a, b);
    case kMinimum: return at::minimum(a, b);
    case kEq: return at::eq(a, b);
    case kNe: return at::ne(a, b);
    case kLt: return at::lt(a, b);
    case kLe: return at::le(a, b);
    case kGt: return at::gt(a, b);
    case kGe: return at::ge(a, b);
    case kRsub: return at::sub(b, a);
    case kRdiv: return at::div(b, a);
    default: throw std::runtime_error("unknown binary op code " + std::to_string(code));
  }
}

// Scalars stay Python-like: `x * 0.5` is at::mul(Tensor, Scalar), the same overload PyTorch calls.
at::Tensor binaryScalarOp(int code, const at::Tensor& a, const at::Scalar& s) {
  switch (code) {
    case kAdd: return at::add(a, s);
    case kSub: return at::sub(a, s);
    case kMul: return at::mul(a, s);
    case kDiv: return at::div(a, s);
    case kPow: return at::pow(a, s);
    case kMaximum: return at::clamp_min(a, s);
    case kMinimum: return at::clamp_max(a, s);
    case kEq: return at::eq(a, s);
    case kNe: return at::ne(a, s);
    case kLt: return at::lt(a, s);
    case kLe: return at::le(a, s);
    case kGt: return at::gt(a, s);
    case kGe: return at::ge(a, s);
    case kRsub: return at::rsub(a, s);
    case kRdiv: return at::mul(at::reciprocal(a), s);
    default: throw std::runtime_error("unknown binary op code " + std::to_string(code));
  }
}

// unary(code, h)
Napi::Value UnaryFn(const Napi::CallbackInfo& info) {
  return ret(info.Env(), unaryOp(static_cast<int>(argInt(info, 0)), argTensor(info, 1)));
}
// binary(code, a, b)
Napi::Value BinaryFn(const Napi::CallbackInfo& info) {
  return ret(info.Env(), binaryOp(static_cast<int>(argInt(info, 0)), argTensor(info, 1), argTensor(info, 2)));
}
// binaryScalar(code, a, scalar)
Napi::Value BinaryScalarFn(const Napi::CallbackInfo& info) {
  at::Tensor& a = argTensor(info, 1);
  return ret(info.Env(), binaryScalarOp(static_cast<int>(argInt(info, 0)), a, scalarFor(a, argDouble(info, 2))));
}
// add(a, b, alpha): a + alpha * b (torch.add with alpha)
Napi::Value AddScaled(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::add(argTensor(info, 0), argTensor(info, 1), argDouble(info, 2)));
}

// ---- in place (autograd-aware: used on buffers and under noGrad, or on non-leaf tensors) ----
Napi::Value AddInPlace(const Napi::CallbackInfo& info) {  // add_(a, b, alpha)
  argTensor(info, 0).add_(argTensor(info, 1), argDouble(info, 2));
  return info.Env().Undefined();
}
Napi::Value AddScalarInPlace(const Napi::CallbackInfo& info) {  // addScalar_(a, s)
  at::Tensor& a = argTensor(info, 0);
  a.add_(scalarFor(a, argDouble(info, 1)));
  return info.Env().Undefined();
}
Napi::Value MulScalarInPlace(const Napi::CallbackInfo& info) {  // mulScalar_(a, s)
  at::Tensor& a = argTensor(info, 0);
  a.mul_(scalarFor(a, argDouble(info, 1)));
  return info.Env().Undefined();
}
Napi::Value MulInPlace(const Napi::CallbackInfo& info) {  // mul_(a, b)
  argTensor(info, 0).mul_(argTensor(info, 1));
  return info.Env().Undefined();
}

// clamp(h, min | NaN, max | NaN)
Napi::Value Clamp(const Napi::CallbackInfo& info) {
  double lo = argDouble(info, 1), hi = argDouble(info, 2);
  c10::optional<at::Scalar> mn, mx;
  if (!std::isnan(lo)) mn = at::Scalar(lo);
  if (!std::isnan(hi)) mx = at::Scalar(hi);
  return ret(info.Env(), at::clamp(argTensor(info, 0), mn, mx));
}

enum Reduce { kSum, kMean, kAmax, kAmin, kProd };

// reduce(code, h, dims | null, keepdim): dims null = all elements
Napi::Value ReduceFn(const Napi::CallbackInfo& info) {
  int code = static_cast<int>(argInt(info, 0));
  at::Tensor& x = argTensor(info, 1);
  bool all = !info[2].IsArray();
  bool keep = argBool(info, 3);
  std::vector<int64_t> dims;
  if (!all) dims = argIntList(info, 2);
  switch (code) {
    case kSum: return ret(info.Env(), all ? at::sum(x) : at::sum(x, dims, keep));
    case kMean: return ret(info.Env(), all ? at::mean(x) : at::mean(x, dims, keep));
    case kAmax: return ret(info.Env(), all ? at::max(x) : at::amax(x, dims, keep));
    case kAmin: return ret(info.Env(), all ? at::min(x) : at::amin(x, dims, keep));
    case kProd:
      if (all) return ret(info.Env(), at::prod(x));
      if (dims.size() != 1) throw Napi::Error::New(info.Env(), "prod reduces over one dimension at a time");
      return ret(info.Env(), at::prod(x, dims[0], keep));
    default: throw Napi::Error::New(info.Env(), "unknown reduction code");
  }
}
// norm(h, p, dims | null, keepdim)
Napi::Value Norm(const Napi::CallbackInfo& info) {
  at::Tensor& x = argTensor(info, 0);
  at::Scalar p(argDouble(info, 1));
  std::vector<int64_t> dims;
  if (info[2].IsArray()) {
    dims = argIntList(info, 2);
  } else {
    for (int64_t d = 0; d < x.dim(); ++d) dims.push_back(d);  // torch.norm(x, p) reduces over every dim this way
  }
  return ret(info.Env(), at::norm(x, p, dims, argBool(info, 3)));
}
// argmax(h, dim | null, keepdim)
Napi::Value Argmax(const Napi::CallbackInfo& info) {
  c10::optional<int64_t> dim;
  if (info[1].IsNumber()) dim = argInt(info, 1);
  return ret(info.Env(), at::argmax(argTensor(info, 0), dim, argBool(info, 2)));
}
// topk(h, k, dim, largest, sorted) -> [values, indices]
Napi::Value Topk(const Napi::CallbackInfo& info) {
  auto r = at::topk(argTensor(info, 0), argInt(info, 1), argInt(info, 2), argBool(info, 3), argBool(info, 4));
  return retList(info.Env(), {std::get<0>(r), std::get<1>(r)});
}
// sort(h, dim, descending) -> [values, indices]
Napi::Value Sort(const Napi::CallbackInfo& info) {
  auto r = at::sort(argTensor(info, 0), argInt(info, 1), argBool(info, 2));
  return retList(info.Env(), {std::get<0>(r), std::get<1>(r)});
}
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::softmax(argTensor(info, 0), argInt(info, 1)));
}
Napi::Value LogSoftmax(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::log_softmax(argTensor(info, 0), argInt(info, 1)));
}
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::matmul(argTensor(info, 0), argTensor(info, 1)));
}
Napi::Value Where(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::where(argTensor(info, 0), argTensor(info, 1), argTensor(info, 2)));
}

}  // namespace

void registerMathOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "unary", UnaryFn);
  AA_EXPORT(e, "binary", BinaryFn);
  AA_EXPORT(e, "binaryScalar", BinaryScalarFn);
  AA_EXPORT(e, "addScaled", AddScaled);
  AA_EXPORT(e, "add_", AddInPlace);
  AA_EXPORT(e, "addScalar_", AddScalarInPlace);
  AA_EXPORT(e, "mulScalar_", MulScalarInPlace);
  AA_EXPORT(e, "mul_", MulInPlace);
  AA_EXPORT(e, "clamp", Clamp);
  AA_EXPORT(e, "reduce", ReduceFn);
  AA_EXPORT(e, "norm", Norm);
  AA_EXPORT(e, "argmax", Argmax);
  AA_EXPORT(e, "topk", Topk);
  AA_EXPORT(e, "sort", Sort);
  AA_EXPORT(e, "softmax", Softmax);
  AA_EXPORT(e, "logSoftmax", LogSoftmax);
  AA_EXPORT(e, "matmul", Matmul);
  AA_EXPORT(e, "where", Where);
}

}  // namespace aa
