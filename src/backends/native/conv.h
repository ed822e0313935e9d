// Convolutions as im2col (or col2im) around gemm, as src/backends/js/conv.ts computes them, with
// the result in the operands' own float type.
#pragma once
#include <cstdint>

namespace tstorch {

/** js/conv.ts's ConvGeometry. */
struct ConvGeometry {
  int64_t batch, groups, in_channels, in_h, in_w, out_channels, out_h, out_w;
  int64_t k_h, k_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
};

/** An (N, C, H, W) operand read through its strides. */
template <typename T>
struct Image {
  const T* data;
  int64_t strides[4];
};

/** out (N, outC, outH, outW), contiguous, = conv(input, weight) + bias; weight contiguous (outC, inC/g, kH, kW). */
template <typename T>
void convolution_forward(const ConvGeometry& g, Image<T> input, const T* weight, const T* bias, T* out);

/** out = conv_transpose(input, weight) + bias; input (N, inC, inH, inW), weight (inC, outC/g, kH, kW), contiguous. */
template <typename T>
void convolution_transpose_forward(const ConvGeometry& g, const T* input, const T* weight, const T* bias, T* out);

/** out (outC, inC/g, kH, kW), zero-filled, += the weight gradient for grad_output (N, outC, outH, outW). */
template <typename T>
void convolution_weight_grad(const ConvGeometry& g, Image<T> input, const T* grad_output, T* out);

}  // namespace tstorch
