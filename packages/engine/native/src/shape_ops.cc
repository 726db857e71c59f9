// Views, slicing, indexing and joining.
#include "handles.h"

namespace aa {
namespace {

Napi::Value View(const Napi::CallbackInfo& info) { return ret(info.Env(), argTensor(info, 0).view(argIntList(info, 1))); }
Napi::Value Reshape(const Napi::CallbackInfo& info) { return ret(info.Env(), argTensor(info, 0).reshape(argIntList(info, 1))); }
Napi::Value Flatten(const Napi::CallbackInfo& info) {
  return ret(info.Env(), argTensor(info, 0).flatten(argInt(info, 1), argInt(info, 2)));
}
Napi::Value Permute(const Napi::CallbackInfo& info) { return ret(info.Env(), argTensor(info, 0).permute(argIntList(info, 1))); }
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  return ret(info.Env(), argTensor(info, 0).transpose(argInt(info, 1), argInt(info, 2)));
}
Napi::Value Expand(const Napi::CallbackInfo& info) { return ret(info.Env(), argTensor(info, 0).expand(argIntList(info, 1))); }
Napi::Value Unsqueeze(const Napi::CallbackInfo& info) { return ret(info.Env(), argTensor(info, 0).unsqueeze(argInt(info, 1))); }
// squeeze(h, dim | null)
Napi::Value Squeeze(const Napi::CallbackInfo& info) {
  at::Tensor& x = argTensor(info, 0);
  return ret(info.Env(), info[1].IsNumber() ? x.squeeze(argInt(info, 1)) : x.squeeze());
}
// narrow(h, dim, start, length)
Napi::Value Narrow(const Napi::CallbackInfo& info) {
  return ret(info.Env(), argTensor(info, 0).narrow(argInt(info, 1), argInt(info, 2), argInt(info, 3)));
}
// slice(h, dim, start, end, step) — x[..., start:end:step, ...]
Napi::Value Slice(const Napi::CallbackInfo& info) {
  return ret(info.Env(), argTensor(info, 0).slice(argInt(info, 1), argInt(info, 2), argInt(info, 3), argInt(info, 4)));
}
// select(h, dim, index) — x[..., index, ...] (drops the dimension)
Napi::Value Select(const Napi::CallbackInfo& info) {
  return ret(info.Env(), argTensor(info, 0).select(argInt(info, 1), argInt(info, 2)));
}
// indexSelect(h, dim, indexTensor)
Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  return ret(info.Env(), at::index_select(argTensor(info, 0), argInt(info, 1), argTensor(info, 2)));
}
Napi::Value Cat(const Napi::CallbackInfo& info) { return ret(info.Env(), at::cat(argTensorList(info, 0), argInt(info, 1))); }
Napi::Value Stack(const Napi::CallbackInfo& info) { return ret(info.Env(), at::stack(argTensorList(info, 0), argInt(info, 1))); }
// chunk(h, chunks, dim) -> list
Napi::Value Chunk(const Napi::CallbackInfo& info) {
  return retList(info.Env(), argTensor(info, 0).chunk(argInt(info, 1), argInt(info, 2)));
}

}  // namespace

void registerShapeOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "view", View);
  AA_EXPORT(e, "reshape", Reshape);
  AA_EXPORT(e, "flatten", Flatten);
  AA_EXPORT(e, "permute", Permute);
  AA_EXPORT(e, "transpose", Transpose);
  AA_EXPORT(e, "expand", Expand);
  AA_EXPORT(e, "unsqueeze", Unsqueeze);
  AA_EXPORT(e, "squeeze", Squeeze);
  AA_EXPORT(e, "narrow", Narrow);
  AA_EXPORT(e, "slice", Slice);
  AA_EXPORT(e, "select", Select);
  AA_EXPORT(e, "indexSelect", IndexSelect);
  AA_EXPORT(e, "cat", Cat);
  AA_EXPORT(e, "stack", Stack);
  AA_EXPORT(e, "chunk", Chunk);
}

}  // namespace aa
