#pragma once
// Training-mode batch norm on the CPU, bit-identical to at::batch_norm, without its latency-bound statistics loop.
#include <ATen/ATen.h>

#include <optional>
#include <string>

namespace aa {

// The result of at::batch_norm(x, weight, bias, runningMean, runningVar, training=true, momentum, eps) computed by our
// kernel, or nullopt when this call is not one it covers (not CPU float32 NCHW-contiguous, too small a plane) or the
// kernel is off (AA_NAS_FAST_BN=0, or its start-up check against libtorch's own kernel found a difference).
std::optional<at::Tensor> fastBatchNormTrain(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                             const at::Tensor& runningMean, const at::Tensor& runningVar, double momentum,
                                             double eps);

// Per-channel statistics of a contiguous NCHW float block (nb images, `plane` pixels per channel) in libtorch's
// order: mean[c] = float(Σx / count) with the sum in double, varSum[c] = float(Σ (x − mean[c])²). Shared with the
// synchronized batch norm of replica groups (sync_batch_norm.cc).
void channelStatistics(const float* x, int64_t nb, int64_t channels, int64_t plane, float* mean, float* varSum);

// y = fma(x, a, b) over n floats (AVX2 where the CPU has it). Also the synchronized batch norm's apply.
void affineFused(const float* x, float* y, int64_t n, float a, float b);

// Whether this x86-64 CPU has AVX2 and FMA (false elsewhere), for the kernels' runtime dispatch.
bool cpuHasAvx2Fma();

// "aa-nas" when the kernel above is in use, otherwise "libtorch: <why>". Runs the start-up check if not yet run.
std::string batchNormKernelStatus();

}  // namespace aa
