// Neural-network kernels: the same at:: entry points torch.nn.functional calls in PyTorch 1.13.
#include "batch_norm_cpu.h"
#include "handles.h"

namespace aa {
namespace {

// conv2d(x, w, b | -1, stride[2], padding[2], dilation[2], groups)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::conv2d(argTensor(info, 0), argTensor(info, 1), argOptTensor(info, 2), argIntList(info, 3),
                                    argIntList(info, 4), argIntList(info, 5), argInt(info, 6)));
}

// batchNorm(x, weight | -1, bias | -1, runningMean | -1, runningVar | -1, training, momentum, eps)
// Mirrors F.batch_norm: running stats are updated in place when training and given.
// Training mode on the CPU goes through our bit-identical kernel when it covers the call (batch_norm_cpu.h).
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  const at::Tensor& x = argTensor(info, 0);
  const c10::optional<at::Tensor> w = argOptTensor(info, 1), b = argOptTensor(info, 2), rm = argOptTensor(info, 3),
                                  rv = argOptTensor(info, 4);
  const bool training = argBool(info, 5);
  const double momentum = argDouble(info, 6), eps = argDouble(info, 7);
  if (training) {
    auto fast = fastBatchNormTrain(x, w.value_or(at::Tensor()), b.value_or(at::Tensor()), rm.value_or(at::Tensor()),
                                   rv.value_or(at::Tensor()), momentum, eps);
    if (fast) return ret(info.Env(), std::move(*fast));
  }
  return ret(info.Env(), at::batch_norm(x, w, b, rm, rv, training, momentum, eps, at::globalContext().userEnabledCuDNN()));
}
// batchNormKernel() -> "aa-nas" or "libtorch: <why>": which kernel training-mode CPU batch norm uses.
Napi::Value BatchNormKernel(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), batchNormKernelStatus()); }

// avgPool2d(x, kernel[2], stride[2], padding[2], ceilMode, countIncludePad)
Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::avg_pool2d(argTensor(info, 0), argIntList(info, 1), argIntList(info, 2), argIntList(info, 3),
                                        argBool(info, 4), argBool(info, 5), c10::nullopt));
}
// maxPool2d(x, kernel[2], stride[2], padding[2], dilation[2], ceilMode)
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::max_pool2d(argTensor(info, 0), argIntList(info, 1), argIntList(info, 2), argIntList(info, 3),
                                        argIntList(info, 4), argBool(info, 5)));
}
// adaptiveAvgPool2d(x, outputSize[2])
Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::adaptive_avg_pool2d(argTensor(info, 0), argIntList(info, 1)));
}
// adaptiveAvgPool3d(x, outputSize[3]) — a 4-D x is one unbatched (C, D, H, W) volume: TAS pools over dim 1 with it
Napi::Value AdaptiveAvgPool3d(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::adaptive_avg_pool3d(argTensor(info, 0), argIntList(info, 1)));
}
// linear(x, w, b | -1)
Napi::Value Linear(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::linear(argTensor(info, 0), argTensor(info, 1), argOptTensor(info, 2)));
}
// crossEntropy(logits, target, labelSmoothing, reduction: 0 none, 1 mean, 2 sum)
Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::cross_entropy_loss(argTensor(info, 0), argTensor(info, 1), c10::nullopt, argInt(info, 3), -100,
                                                argDouble(info, 2)));
}
// nllLoss(logProbs, target, reduction)
Napi::Value NllLoss(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::nll_loss_nd(argTensor(info, 0), argTensor(info, 1), c10::nullopt, argInt(info, 2), -100));
}
// dropout(x, p, train)
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::dropout(argTensor(info, 0), argDouble(info, 1), argBool(info, 2)));
}
// embedding(weight, indices)
Napi::Value Embedding(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::embedding(argTensor(info, 0), argTensor(info, 1)));
}
// lstmCell(x, h, c, wIh, wHh, bIh | -1, bHh | -1) -> [h', c'] (the kernel nn.LSTMCell and CPU nn.LSTM use)
Napi::Value LstmCell(const Napi::CallbackInfo& info) {
  auto r = at::lstm_cell(argTensor(info, 0), {argTensor(info, 1), argTensor(info, 2)}, argTensor(info, 3), argTensor(info, 4),
                         argOptTensor(info, 5), argOptTensor(info, 6));
  return retList(info.Env(), {std::get<0>(r), std::get<1>(r)});
}
// constantPad(x, pad[], value) — pad as in F.pad: (left, right, top, bottom, ...) from the last dim
Napi::Value ConstantPad(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::constant_pad_nd(argTensor(info, 0), argIntList(info, 1), argDouble(info, 2)));
}
// multinomial(probs, numSamples, replacement)
Napi::Value Multinomial(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::multinomial(argTensor(info, 0), argInt(info, 1), argBool(info, 2)));
}
// gather(x, dim, index)
Napi::Value Gather(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::gather(argTensor(info, 0), argInt(info, 1), argTensor(info, 2)));
}
// scatterValue(x, dim, index, value): out-of-place x.scatter(dim, index, value), e.g. one-hot rows
Napi::Value ScatterValue(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::scatter(argTensor(info, 0), argInt(info, 1), argTensor(info, 2), at::Scalar(argDouble(info, 3))));
}
// oneHot(indices, numClasses) -> int64
Napi::Value OneHot(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::one_hot(argTensor(info, 0), argInt(info, 1)));
}

}  // namespace

void registerNnOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "conv2d", Conv2d);
  AA_EXPORT(e, "batchNorm", BatchNorm);
  AA_EXPORT(e, "batchNormKernel", BatchNormKernel);
  AA_EXPORT(e, "avgPool2d", AvgPool2d);
  AA_EXPORT(e, "maxPool2d", MaxPool2d);
  AA_EXPORT(e, "adaptiveAvgPool2d", AdaptiveAvgPool2d);
  AA_EXPORT(e, "adaptiveAvgPool3d", AdaptiveAvgPool3d);
  AA_EXPORT(e, "linear", Linear);
  AA_EXPORT(e, "crossEntropy", CrossEntropy);
  AA_EXPORT(e, "nllLoss", NllLoss);
  AA_EXPORT(e, "dropout", Dropout);
  AA_EXPORT(e, "embedding", Embedding);
  AA_EXPORT(e, "lstmCell", LstmCell);
  AA_EXPORT(e, "constantPad", ConstantPad);
  AA_EXPORT(e, "multinomial", Multinomial);
  AA_EXPORT(e, "gather", Gather);
  AA_EXPORT(e, "scatterValue", ScatterValue);
  AA_EXPORT(e, "oneHot", OneHot);
}

}  // namespace aa
