// The Node-API surface of the addon: unpacks JavaScript arguments (numbers and typed arrays, read in
// place through napi_get_typedarray_info), checks that every element a kernel will touch lies inside
// its array, and runs the kernel. Each primitive returns false (the op layer then runs the JS kernel)
// for operands it does not handle: dtypes other than float32/float64, mixed dtypes, accesses outside
// an array. loader.ts documents the argument lists.
#include <node_api.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <vector>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "conv.h"
#include "copy.h"
#include "elementwise.h"
#include "gemm.h"
#include "kernels.h"
#include "optim.h"
#include "pooling.h"
#include "threadpool.h"

namespace tstorch {
namespace {

constexpr size_t kMaxArgs = 32;

/** The call's arguments; any failure to read one makes the primitive decline. */
class Args {
 public:
  Args(napi_env env, napi_callback_info info) : env_(env) {
    if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr) != napi_ok) argc_ = 0;
  }

  bool ok() const { return ok_; }
  napi_env env() const { return env_; }

  int64_t integer(size_t i) {
    int64_t v = 0;
    if (i >= argc_ || napi_get_value_int64(env_, argv_[i], &v) != napi_ok) ok_ = false;
    return v;
  }

  double number(size_t i) {
    double v = 0;
    if (i >= argc_ || napi_get_value_double(env_, argv_[i], &v) != napi_ok) ok_ = false;
    return v;
  }

  bool boolean(size_t i) {
    bool v = false;
    if (i >= argc_ || napi_get_value_bool(env_, argv_[i], &v) != napi_ok) ok_ = false;
    return v;
  }

  bool is_null(size_t i) {
    napi_valuetype type = napi_undefined;
    if (i < argc_) napi_typeof(env_, argv_[i], &type);
    return type == napi_null || type == napi_undefined;
  }

  /**
   * A typed array's type, data and length; type -1 when the argument is not one. Remembered per
   * argument: by_dtype reads the output's type before the primitive reads the array itself, and
   * napi_get_typedarray_info is the most expensive part of a call.
   */
  int array(size_t i, void** data, int64_t* length) {
    if (i >= argc_) {
      ok_ = false;
      return -1;
    }
    TypedArrayInfo& info = arrays_[i];
    if (info.type == kUnread) {
      napi_typedarray_type type;
      size_t len = 0;
      // napi_get_typedarray_info fails on anything that is not a typed array, which is the check.
      if (napi_get_typedarray_info(env_, argv_[i], &type, &len, &info.data, nullptr, nullptr) == napi_ok) {
        info.type = static_cast<int>(type);
        info.length = static_cast<int64_t>(len);
      } else {
        info.type = kNotTypedArray;
      }
    }
    if (info.type == kNotTypedArray) ok_ = false;
    *data = info.data;
    *length = info.length;
    return info.type;
  }

 private:
  static constexpr int kUnread = -2;
  static constexpr int kNotTypedArray = -1;
  struct TypedArrayInfo {
    int type = kUnread;
    void* data = nullptr;
    int64_t length = 0;
  };

  napi_env env_;
  size_t argc_ = kMaxArgs;
  napi_value argv_[kMaxArgs];
  TypedArrayInfo arrays_[kMaxArgs];
  bool ok_ = true;
};

napi_value boolean_value(napi_env env, bool v) {
  napi_value result;
  napi_get_boolean(env, v, &result);
  return result;
}

/** One dimension of an access pattern: `size` positions `stride` elements apart. */
struct Dim {
  int64_t size;
  int64_t stride;
};

/**
 * The product of sizes, or -1 when a factor is negative or the product overflows: numbers come from
 * JavaScript unchecked, and a wrapped product would let a check below pass for memory not there.
 */
int64_t size_of(std::initializer_list<int64_t> factors) {
  int64_t product = 1;
  for (int64_t f : factors)
    if (f < 0 || __builtin_mul_overflow(product, f, &product)) return -1;
  return product;
}

/**
 * Whether every element offset + sum of i_d * stride_d (0 <= i_d < size_d) lies in [0, length).
 * Nothing is touched when a size is 0.
 */
bool in_bounds(int64_t length, int64_t offset, std::initializer_list<Dim> dims) {
  int64_t lo = offset, hi = offset;
  for (const Dim& d : dims) {
    if (d.size <= 0) return d.size == 0;
    int64_t reach;
    if (__builtin_mul_overflow(d.size - 1, d.stride, &reach)) return false;
    if (__builtin_add_overflow(reach < 0 ? lo : hi, reach, reach < 0 ? &lo : &hi)) return false;
  }
  return lo >= 0 && hi < length;
}

/** A float typed array argument of the element type T, or nullptr. */
template <typename T>
struct FloatArg {
  T* data = nullptr;
  int64_t length = 0;
};

template <typename T> constexpr napi_typedarray_type typed_array_type();
template <> constexpr napi_typedarray_type typed_array_type<float>() { return napi_float32_array; }
template <> constexpr napi_typedarray_type typed_array_type<double>() { return napi_float64_array; }

template <typename T>
bool float_arg(Args& args, size_t i, FloatArg<T>* out) {
  void* data = nullptr;
  int type = args.array(i, &data, &out->length);
  out->data = static_cast<T*>(data);
  return type == typed_array_type<T>();
}

/** The element type of a float typed array argument: 32, 64, or 0 for anything else. */
int float_bits(Args& args, size_t i) {
  void* data = nullptr;
  int64_t length = 0;
  int type = args.array(i, &data, &length);
  return type == napi_float32_array ? 32 : type == napi_float64_array ? 64 : 0;
}

/** Calls F<float> or F<double> by the element type of argument `i`; false for other types. */
template <template <typename> class F>
napi_value by_dtype(napi_env env, napi_callback_info info, size_t i) {
  Args args(env, info);
  const int bits = float_bits(args, i);
  bool done = false;
  if (bits == 32) done = F<float>::run(args);
  else if (bits == 64) done = F<double>::run(args);
  return boolean_value(env, done && args.ok());
}

// gemm(batch, m, n, k, a, aOffset, aBatchStride, aRowStride, aColStride, b, bOffset, bBatchStride,
//      bRowStride, bColStride, out, accumulate): out += the products when accumulate, else out = them
//      (out's previous contents unread).
template <typename T>
struct Gemm {
  static bool run(Args& args) {
    const int64_t batch = args.integer(0), m = args.integer(1), n = args.integer(2), k = args.integer(3);
    FloatArg<T> a, b, out;
    if (!float_arg(args, 4, &a) || !float_arg(args, 9, &b) || !float_arg(args, 14, &out)) return false;
    const int64_t a_off = args.integer(5), a_bs = args.integer(6), a_rs = args.integer(7), a_cs = args.integer(8);
    const int64_t b_off = args.integer(10), b_bs = args.integer(11), b_rs = args.integer(12), b_cs = args.integer(13);
    const bool accumulate = args.boolean(15);
    if (!args.ok() || batch < 0 || m < 0 || n < 0 || k < 0) return false;
    if (!in_bounds(a.length, a_off, {{batch, a_bs}, {m, a_rs}, {k, a_cs}}) ||
        !in_bounds(b.length, b_off, {{batch, b_bs}, {k, b_rs}, {n, b_cs}}) || size_of({batch, m, n}) < 0 || size_of({batch, m, n}) > out.length) {
      return false;
    }
    // Small products of a batch go one per thread; large ones are threaded inside.
    const int64_t per_product = m * n * k;
    const int64_t grain = per_product >= (1 << 21) ? batch : ((1 << 20) + per_product - 1) / (per_product > 0 ? per_product : 1);
    parallel_for(batch, grain, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; t++) {
        gemm<T>(m, n, k, {a.data + a_off + t * a_bs, a_rs, a_cs}, {b.data + b_off + t * b_bs, b_rs, b_cs}, out.data + t * m * n, n, accumulate);
      }
    });
    return true;
  }
};

/** Reads js/conv.ts's ConvGeometry from 16 numeric arguments; false when it is not a valid one. */
bool conv_geometry(Args& args, ConvGeometry* g) {
  int64_t* fields[] = {&g->batch, &g->groups, &g->in_channels, &g->in_h, &g->in_w, &g->out_channels, &g->out_h, &g->out_w,
                       &g->k_h, &g->k_w, &g->stride_h, &g->stride_w, &g->pad_h, &g->pad_w, &g->dilation_h, &g->dilation_w};
  for (size_t i = 0; i < 16; i++) *fields[i] = args.integer(i);
  if (!args.ok()) return false;
  // Every size below 2^31 keeps the kernels' products of sizes far from overflowing.
  for (size_t i = 0; i < 16; i++)
    if (*fields[i] < 0 || *fields[i] > INT32_MAX) return false;
  return g->groups > 0 && g->in_channels % g->groups == 0 && g->out_channels % g->groups == 0 && g->stride_h > 0 &&
         g->stride_w > 0 && g->dilation_h > 0 && g->dilation_w > 0;
}

template <typename T>
bool image_arg(Args& args, size_t i, int64_t n, int64_t c, int64_t h, int64_t w, Image<T>* image) {
  FloatArg<T> arg;
  if (!float_arg(args, i, &arg)) return false;
  const int64_t offset = args.integer(i + 1);
  for (size_t d = 0; d < 4; d++) image->strides[d] = args.integer(i + 2 + d);
  const int64_t* s = image->strides;
  if (!args.ok() || !in_bounds(arg.length, offset, {{n, s[0]}, {c, s[1]}, {h, s[2]}, {w, s[3]}})) return false;
  image->data = arg.data + offset;
  return true;
}

/** A contiguous array argument of at least `size` elements (or null, where `nullable`). */
template <typename T>
bool dense_arg(Args& args, size_t i, int64_t size, bool nullable, T** data) {
  if (nullable && args.is_null(i)) {
    *data = nullptr;
    return true;
  }
  FloatArg<T> arg;
  if (size < 0 || !float_arg(args, i, &arg) || arg.length < size) return false;
  *data = arg.data;
  return true;
}

// convolutionForward(geometry x 16, input, inputOffset, inputStrides x 4, weight, bias | null, out)
template <typename T>
struct ConvForward {
  static bool run(Args& args) {
    ConvGeometry g;
    Image<T> input;
    T *weight, *bias, *out;
    if (!conv_geometry(args, &g) || !image_arg(args, 16, g.batch, g.in_channels, g.in_h, g.in_w, &input) ||
        !dense_arg(args, 22, size_of({g.out_channels, g.in_channels / g.groups, g.k_h, g.k_w}), false, &weight) ||
        !dense_arg(args, 23, g.out_channels, true, &bias) ||
        !dense_arg(args, 24, size_of({g.batch, g.out_channels, g.out_h, g.out_w}), false, &out)) {
      return false;
    }
    convolution_forward<T>(g, input, weight, bias, out);
    return true;
  }
};

// convolutionTransposeForward(geometry x 16, input, weight, bias | null, out), all contiguous
template <typename T>
struct ConvTransposeForward {
  static bool run(Args& args) {
    ConvGeometry g;
    T *input, *weight, *bias, *out;
    if (!conv_geometry(args, &g) || !dense_arg(args, 16, size_of({g.batch, g.in_channels, g.in_h, g.in_w}), false, &input) ||
        !dense_arg(args, 17, size_of({g.in_channels, g.out_channels / g.groups, g.k_h, g.k_w}), false, &weight) ||
        !dense_arg(args, 18, g.out_channels, true, &bias) ||
        !dense_arg(args, 19, size_of({g.batch, g.out_channels, g.out_h, g.out_w}), false, &out)) {
      return false;
    }
    convolution_transpose_forward<T>(g, input, weight, bias, out);
    return true;
  }
};

// convolutionWeightGrad(geometry x 16, input, inputOffset, inputStrides x 4, gradOutput, out)
template <typename T>
struct ConvWeightGrad {
  static bool run(Args& args) {
    ConvGeometry g;
    Image<T> input;
    T *grad_output, *out;
    if (!conv_geometry(args, &g) || !image_arg(args, 16, g.batch, g.in_channels, g.in_h, g.in_w, &input) ||
        !dense_arg(args, 22, size_of({g.batch, g.out_channels, g.out_h, g.out_w}), false, &grad_output) ||
        !dense_arg(args, 23, size_of({g.out_channels, g.in_channels / g.groups, g.k_h, g.k_w}), false, &out)) {
      return false;
    }
    convolution_weight_grad<T>(g, input, grad_output, out);
    return true;
  }
};

// maxPool2d(geometry x 13, input, inputOffset, out, indices)
template <typename T>
struct MaxPool2d {
  static bool run(Args& args) {
    PoolGeometry g;
    int64_t* fields[] = {&g.planes, &g.in_h, &g.in_w, &g.out_h, &g.out_w, &g.k_h, &g.k_w,
                         &g.stride_h, &g.stride_w, &g.pad_h, &g.pad_w, &g.dilation_h, &g.dilation_w};
    for (size_t i = 0; i < 13; i++) *fields[i] = args.integer(i);
    FloatArg<T> input, out;
    if (!float_arg(args, 13, &input) || !float_arg(args, 15, &out)) return false;
    const int64_t offset = args.integer(14);
    void* indices = nullptr;
    int64_t indices_length = 0;
    if (args.array(16, &indices, &indices_length) != napi_bigint64_array || !args.ok()) return false;
    for (size_t i = 0; i < 13; i++)
      if (*fields[i] < 0) return false;
    if (g.stride_h <= 0 || g.stride_w <= 0 || g.dilation_h <= 0 || g.dilation_w <= 0 || g.k_h <= 0 || g.k_w <= 0) return false;
    // Every read stays inside its plane whatever the padding: the window loops clip to the image.
    const int64_t outputs = size_of({g.planes, g.out_h, g.out_w});
    const int64_t inputs = size_of({g.planes, g.in_h, g.in_w});
    if (outputs < 0 || inputs < 0 || !in_bounds(input.length, offset, {{inputs, 1}}) || out.length < outputs || indices_length < outputs) return false;
    max_pool2d<T>(g, input.data + offset, out.data, static_cast<int64_t*>(indices));
    return true;
  }
};

/** A run argument (array, offset, step 0 or 1) of n elements inside its array. */
template <typename T>
bool run_arg(Args& args, size_t i, int64_t n, FloatArg<T>* array, int64_t* offset, int64_t* step) {
  *offset = args.integer(i + 1);
  *step = args.integer(i + 2);
  return float_arg(args, i, array) && (*step == 0 || *step == 1) && in_bounds(array->length, *offset, {{n > 0 ? (*step == 1 ? n : 1) : 0, 1}});
}

// compare(op, a, aOffset, aStep, b, bOffset, bStep, out, n): a and b float runs of one type, out a
// Uint8Array of at least n elements.
template <typename T>
struct Compare {
  static bool run(Args& args) {
    const int64_t op = args.integer(0), n = args.integer(8);
    FloatArg<T> a, b;
    int64_t a_off = 0, a_step = 0, b_off = 0, b_step = 0;
    void* out = nullptr;
    int64_t out_length = 0;
    if (args.array(7, &out, &out_length) != napi_uint8_array || !args.ok() || op < 0 || op > 5 || n < 0 || n > out_length) return false;
    if (!run_arg(args, 1, n, &a, &a_off, &a_step) || !run_arg(args, 4, n, &b, &b_off, &b_step) || !args.ok()) return false;
    compare<T>(static_cast<int>(op), a.data + a_off, a_step, b.data + b_off, b_step, static_cast<uint8_t*>(out), n);
    return true;
  }
};

// select(condition, offset, a, aOffset, aStep, b, bOffset, bStep, out, n): condition a Uint8Array
// holding n flags from offset; a, b and out of one float type.
template <typename T>
struct Select {
  static bool run(Args& args) {
    const int64_t offset = args.integer(1), n = args.integer(9);
    FloatArg<T> a, b, out;
    int64_t a_off = 0, a_step = 0, b_off = 0, b_step = 0;
    void* condition = nullptr;
    int64_t condition_length = 0;
    if (args.array(0, &condition, &condition_length) != napi_uint8_array || !float_arg(args, 8, &out) || !args.ok() || n < 0 || n > out.length) return false;
    if (!in_bounds(condition_length, offset, {{n, 1}})) return false;
    if (!run_arg(args, 2, n, &a, &a_off, &a_step) || !run_arg(args, 5, n, &b, &b_off, &b_step) || !args.ok()) return false;
    select<T>(static_cast<const uint8_t*>(condition) + offset, a.data + a_off, a_step, b.data + b_off, b_step, out.data, n);
    return true;
  }
};

// extremeRows(x, outer, size, inner, min, values, indices): x (outer * size * inner elements) and
// values (outer * inner) of one float type, indices a BigInt64Array of outer * inner.
template <typename T>
struct ExtremeRows {
  static bool run(Args& args) {
    FloatArg<T> x, values;
    const int64_t outer = args.integer(1), size = args.integer(2), inner = args.integer(3);
    const bool min = args.boolean(4);
    void* indices = nullptr;
    int64_t indices_length = 0;
    if (!float_arg(args, 0, &x) || !float_arg(args, 5, &values) || args.array(6, &indices, &indices_length) != napi_bigint64_array || !args.ok()) return false;
    const int64_t n = size_of({outer, size, inner}), m = size_of({outer, inner});
    if (outer < 0 || size < 1 || inner < 0 || n < 0 || m < 0 || n > x.length || m > values.length || m > indices_length) return false;
    extreme_rows<T>(x.data, outer, size, inner, min, values.data, static_cast<int64_t*>(indices));
    return true;
  }
};

// maxPoolBackward(planes, inPlane, outPlane, grad, gradOffset, indices, indicesOffset, out)
template <typename T>
struct MaxPoolBackward {
  static bool run(Args& args) {
    const int64_t planes = args.integer(0), in_plane = args.integer(1), out_plane = args.integer(2);
    const int64_t grad_off = args.integer(4), indices_off = args.integer(6);
    FloatArg<T> grad, out;
    void* indices = nullptr;
    int64_t indices_length = 0;
    if (!float_arg(args, 3, &grad) || !float_arg(args, 7, &out) || args.array(5, &indices, &indices_length) != napi_bigint64_array || !args.ok()) {
      return false;
    }
    const int64_t outputs = size_of({planes, out_plane}), inputs = size_of({planes, in_plane});
    if (outputs < 0 || inputs < 0 || !in_bounds(grad.length, grad_off, {{outputs, 1}}) ||
        !in_bounds(indices_length, indices_off, {{outputs, 1}}) || out.length < inputs) {
      return false;
    }
    return max_pool_backward<T>(planes, in_plane, out_plane, grad.data + grad_off, static_cast<int64_t*>(indices) + indices_off, out.data);
  }
};

// unary(op, a, aOffset, aStep, out, n)
template <typename T>
struct Unary {
  static bool run(Args& args) {
    const int64_t op = args.integer(0), a_off = args.integer(2), a_step = args.integer(3), n = args.integer(5);
    FloatArg<T> a, out;
    if (!float_arg(args, 1, &a) || !float_arg(args, 4, &out) || !args.ok()) return false;
    if (op < 0 || op >= kUnaryCount || (a_step != 0 && a_step != 1) || n < 0 || n > out.length) return false;
    if (!in_bounds(a.length, a_off, {{n > 0 ? (a_step == 1 ? n : 1) : 0, 1}})) return false;
    unary<T>(static_cast<int>(op), a.data + a_off, a_step, out.data, n);
    return true;
  }
};

// binary(op, a, aOffset, aStep, b, bOffset, bStep, out, n)
template <typename T>
struct Binary {
  static bool run(Args& args) {
    const int64_t op = args.integer(0), a_off = args.integer(2), a_step = args.integer(3);
    const int64_t b_off = args.integer(5), b_step = args.integer(6), n = args.integer(8);
    FloatArg<T> a, b, out;
    if (!float_arg(args, 1, &a) || !float_arg(args, 4, &b) || !float_arg(args, 7, &out) || !args.ok()) return false;
    if (op < 0 || op >= kBinaryCount || (a_step != 0 && a_step != 1) || (b_step != 0 && b_step != 1) || n < 0 || n > out.length) return false;
    if (!in_bounds(a.length, a_off, {{n > 0 ? (a_step == 1 ? n : 1) : 0, 1}}) ||
        !in_bounds(b.length, b_off, {{n > 0 ? (b_step == 1 ? n : 1) : 0, 1}})) {
      return false;
    }
    binary<T>(static_cast<int>(op), a.data + a_off, a_step, b.data + b_off, b_step, out.data, n);
    return true;
  }
};

// binaryBlocks(op, a, aStep, b, bStep, starts, length, out): starts a Float64Array of 2 offsets per
// block (a's, then b's); every block's run must lie inside its array.
template <typename T>
struct BinaryBlocks {
  static bool run(Args& args) {
    const int64_t op = args.integer(0), a_step = args.integer(2), b_step = args.integer(4), length = args.integer(6);
    FloatArg<T> a, b, out;
    void* starts_data = nullptr;
    int64_t starts_length = 0;
    if (!float_arg(args, 1, &a) || !float_arg(args, 3, &b) || !float_arg(args, 7, &out) ||
        args.array(5, &starts_data, &starts_length) != napi_float64_array || !args.ok()) {
      return false;
    }
    const int64_t blocks = starts_length / 2;
    if (op < 0 || op >= kBinaryCount || (a_step != 0 && a_step != 1) || (b_step != 0 && b_step != 1) || length < 1 ||
        starts_length % 2 != 0 || size_of({blocks, length}) < 0 || size_of({blocks, length}) > out.length) {
      return false;
    }
    // Each block's reach past its start: the run, or the one element a step of 0 repeats.
    const int64_t reach[2] = {a_step == 1 ? length : 1, b_step == 1 ? length : 1};
    const int64_t limits[2] = {a.length, b.length};
    const double* starts = static_cast<const double*>(starts_data);
    std::vector<int64_t> offsets(static_cast<size_t>(starts_length));
    for (int64_t i = 0; i < starts_length; i++) {
      const double s = starts[i];
      // Integers only, and the run inside its array (a NaN fails both comparisons).
      if (!(s >= 0 && s <= static_cast<double>(limits[i % 2] - reach[i % 2])) || s != static_cast<double>(static_cast<int64_t>(s))) return false;
      offsets[static_cast<size_t>(i)] = static_cast<int64_t>(s);
    }
    binary_blocks<T>(static_cast<int>(op), a.data, a_step, b.data, b_step, offsets.data(), blocks, length, out.data);
    return true;
  }
};

/**
 * The fused program of fused() and fusedSum(): code (Int32Array, 4 ints per instruction), steps
 * (Float64Array: per run its step, then its offset) and the runs' arrays from argument `first` on. Every
 * run must hold the elements n positions read, every instruction read only runs and earlier results.
 */
template <typename T>
struct ProgramArgs {
  const T* data[kMaxArgs];
  int64_t step[kMaxArgs];
  FusedProgram<T> program;

  bool read(Args& args, size_t first, int64_t n) {
    void* code = nullptr;
    int64_t code_length = 0;
    void* layout = nullptr;
    int64_t layout_length = 0;
    if (args.array(0, &code, &code_length) != napi_int32_array || args.array(1, &layout, &layout_length) != napi_float64_array) return false;
    const int64_t steps = code_length / 4, runs = layout_length / 2;
    if (code_length % 4 != 0 || steps < 1 || steps > kMaxFusedSteps || runs < 1 || first + runs > kMaxArgs || n < 0) return false;
    const double* l = static_cast<const double*>(layout);
    for (int64_t r = 0; r < runs; r++) {
      FloatArg<T> run;
      if (!float_arg(args, first + r, &run)) return false;
      const double step = l[2 * r], offset = l[2 * r + 1];
      if ((step != 0 && step != 1) || offset < 0 || offset != static_cast<double>(static_cast<int64_t>(offset))) return false;
      const int64_t off = static_cast<int64_t>(offset);
      if (!in_bounds(run.length, off, {{n > 0 ? (step == 1 ? n : 1) : 0, 1}})) return false;
      data[r] = run.data + off;
      this->step[r] = static_cast<int64_t>(step);
    }
    const int32_t* c = static_cast<const int32_t*>(code);
    for (int64_t s = 0; s < steps; s++) {
      const int32_t kind = c[4 * s], op = c[4 * s + 1], a = c[4 * s + 2], b = c[4 * s + 3];
      const int64_t known = runs + s;  // operands an instruction may read
      if (kind == 0 ? op < 0 || op >= kUnaryCount : kind != 1 || op < 0 || op >= kBinaryCount) return false;
      if (a < 0 || a >= known || (kind == 1 && (b < 0 || b >= known))) return false;
    }
    program = {c, static_cast<int>(steps), data, step, static_cast<int>(runs)};
    return args.ok();
  }
};

// fused(code, layout, out, n, ...runs): out[0..n) = the program's result.
template <typename T>
struct Fused {
  static bool run(Args& args) {
    const int64_t n = args.integer(3);
    FloatArg<T> out;
    ProgramArgs<T> p;
    if (!float_arg(args, 2, &out) || !args.ok() || n > out.length || !p.read(args, 4, n)) return false;
    fused<T>(p.program, out.data, n);
    return true;
  }
};

// fusedSum(code, layout, n, ...runs): the sum of the program's result over [0, n) as sum() adds it, or null.
template <typename T>
double fused_sum_of(Args& args, bool* done) {
  const int64_t n = args.integer(2);
  ProgramArgs<T> p;
  *done = args.ok() && p.read(args, 3, n);
  return *done ? fused_sum<T>(p.program, n) : 0;
}

napi_value FusedSum(napi_env env, napi_callback_info info) {
  Args args(env, info);
  bool done = false;
  const int bits = float_bits(args, 3);
  const double total = bits == 32 ? fused_sum_of<float>(args, &done) : bits == 64 ? fused_sum_of<double>(args, &done) : 0;
  napi_value result;
  if (done) napi_create_double(env, total, &result);
  else napi_get_null(env, &result);
  return result;
}

napi_value Fused_(napi_env env, napi_callback_info info) { return by_dtype<Fused>(env, info, 2); }
napi_value Gemm_(napi_env env, napi_callback_info info) { return by_dtype<Gemm>(env, info, 14); }
napi_value ConvForward_(napi_env env, napi_callback_info info) { return by_dtype<ConvForward>(env, info, 24); }
napi_value ConvTransposeForward_(napi_env env, napi_callback_info info) { return by_dtype<ConvTransposeForward>(env, info, 19); }
napi_value ConvWeightGrad_(napi_env env, napi_callback_info info) { return by_dtype<ConvWeightGrad>(env, info, 23); }
napi_value ExtremeRows_(napi_env env, napi_callback_info info) { return by_dtype<ExtremeRows>(env, info, 0); }
napi_value Compare_(napi_env env, napi_callback_info info) { return by_dtype<Compare>(env, info, 1); }
napi_value Select_(napi_env env, napi_callback_info info) { return by_dtype<Select>(env, info, 2); }
napi_value MaxPool2d_(napi_env env, napi_callback_info info) { return by_dtype<MaxPool2d>(env, info, 15); }
napi_value MaxPoolBackward_(napi_env env, napi_callback_info info) { return by_dtype<MaxPoolBackward>(env, info, 7); }
napi_value Unary_(napi_env env, napi_callback_info info) { return by_dtype<Unary>(env, info, 4); }
napi_value Binary_(napi_env env, napi_callback_info info) { return by_dtype<Binary>(env, info, 7); }
napi_value BinaryBlocks_(napi_env env, napi_callback_info info) { return by_dtype<BinaryBlocks>(env, info, 7); }

// softmaxRows(x, xOffset, rows, size, log, out): float32 rows of `size` contiguous elements.
napi_value SoftmaxRows(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> x, out;
  const int64_t offset = args.integer(1), rows = args.integer(2), size = args.integer(3);
  const bool log = args.boolean(4);
  const bool ok = float_arg(args, 0, &x) && float_arg(args, 5, &out) && args.ok() && rows >= 0 && size >= 0 &&
                  size_of({rows, size}) >= 0 && size_of({rows, size}) <= out.length &&
                  in_bounds(x.length, offset, {{size_of({rows, size}), 1}});
  if (ok) softmax_rows(x.data + offset, rows, size, log, out.data);
  return boolean_value(env, ok);
}

// normBackward(x, g, outer, width, inner, eps, weight, weightPeriod, weightStride, weightRun, dx, gx):
// x, g, dx and gx (or null) float32 arrays of at least outer * width * inner elements; weight a float32
// array holding every index NormWeight gives, or null.
napi_value NormBackward(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> x, g, weight, dx, gx;
  const int64_t outer = args.integer(2), width = args.integer(3), inner = args.integer(4);
  const double eps = args.number(5);
  const NormWeight layout{args.integer(7), args.integer(8), args.integer(9)};
  const bool has_weight = !args.is_null(6), has_gx = !args.is_null(11);
  const int64_t n = size_of({outer, width, inner});
  // The largest weight index a group takes (the last group of a period, its last element).
  const int64_t last_weight = (std::min(width, layout.period) - 1) * layout.stride + (inner - 1) / (layout.run > 0 ? layout.run : 1);
  const bool ok = float_arg(args, 0, &x) && float_arg(args, 1, &g) && float_arg(args, 10, &dx) && (!has_weight || float_arg(args, 6, &weight)) &&
                  (!has_gx || float_arg(args, 11, &gx)) && args.ok() && outer >= 0 && width >= 0 && inner >= 0 && n >= 0 &&
                  n <= x.length && n <= g.length && n <= dx.length && (!has_gx || n <= gx.length) && layout.period >= 1 &&
                  layout.stride >= 0 && layout.run >= 1 && (!has_weight || n == 0 || last_weight < weight.length);
  if (ok) norm_backward(x.data, g.data, outer, width, inner, eps, has_weight ? weight.data : nullptr, layout, dx.data, has_gx ? gx.data : nullptr);
  return boolean_value(env, ok);
}

// softmaxBackwardRows(g, y, rows, size, log, out): all float32 arrays of at least rows * size elements.
napi_value SoftmaxBackwardRows(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> g, y, out;
  const int64_t rows = args.integer(2), size = args.integer(3);
  const bool log = args.boolean(4);
  const int64_t n = size_of({rows, size});
  const bool ok = float_arg(args, 0, &g) && float_arg(args, 1, &y) && float_arg(args, 5, &out) && args.ok() && rows >= 0 && size >= 0 &&
                  n >= 0 && n <= out.length && n <= g.length && n <= y.length;
  if (ok) softmax_backward_rows(g.data, y.data, rows, size, log, out.data);
  return boolean_value(env, ok);
}

// layerNormRows(x, offset, rows, size, eps, weight, bias, out): weight and bias float32 arrays of size
// elements or null.
napi_value LayerNormRows(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> x, weight, bias, out;
  const int64_t offset = args.integer(1), rows = args.integer(2), size = args.integer(3);
  const double eps = args.number(4);
  const bool has_weight = !args.is_null(5), has_bias = !args.is_null(6);
  const bool ok = float_arg(args, 0, &x) && float_arg(args, 7, &out) && (!has_weight || float_arg(args, 5, &weight)) &&
                  (!has_bias || float_arg(args, 6, &bias)) && args.ok() && rows >= 0 && size >= 0 && size_of({rows, size}) >= 0 &&
                  size_of({rows, size}) <= out.length && in_bounds(x.length, offset, {{size_of({rows, size}), 1}}) &&
                  (!has_weight || weight.length >= size) && (!has_bias || bias.length >= size);
  if (ok) layer_norm_rows(x.data + offset, rows, size, eps, has_weight ? weight.data : nullptr, has_bias ? bias.data : nullptr, out.data);
  return boolean_value(env, ok);
}

// sum(a, aOffset, n): the sum of a contiguous run, or null to decline.
napi_value Sum(napi_env env, napi_callback_info info) {
  Args args(env, info);
  void* data = nullptr;
  int64_t length = 0;
  const int type = args.array(0, &data, &length);
  const int64_t offset = args.integer(1), n = args.integer(2);
  napi_value result;
  if (!args.ok() || n < 0 || !in_bounds(length, offset, {{n, 1}}) || (type != napi_float32_array && type != napi_float64_array)) {
    napi_get_null(env, &result);
    return result;
  }
  const double total = type == napi_float32_array ? sum<float>(static_cast<float*>(data) + offset, n)
                                                  : sum<double>(static_cast<double*>(data) + offset, n);
  napi_create_double(env, total, &result);
  return result;
}

// moments(a, aOffset, outer, width, inner, mean, squares): mean and squares Float64Arrays of width
// elements, as moments_blocks.
template <typename T>
struct Moments {
  static bool run(Args& args) {
    const int64_t offset = args.integer(1), outer = args.integer(2), width = args.integer(3), inner = args.integer(4);
    FloatArg<T> a;
    FloatArg<double> mean, squares;
    if (!float_arg(args, 0, &a) || !float_arg(args, 5, &mean) || !float_arg(args, 6, &squares) || !args.ok()) return false;
    int64_t row = 0;
    if (outer < 0 || width < 0 || inner < 0 || width > mean.length || width > squares.length || __builtin_mul_overflow(width, inner, &row)) return false;
    if (!in_bounds(a.length, offset, {{outer, row}, {width, inner}, {inner, 1}})) return false;
    moments_blocks<T>(a.data + offset, outer, width, inner, mean.data, squares.data);
    return true;
  }
};

// sumBlocks(a, aOffset, outer, width, inner, out): out[k] for k < width as KernelSet::sum_blocks.
template <typename T>
struct SumBlocks {
  static bool run(Args& args) {
    const int64_t offset = args.integer(1), outer = args.integer(2), width = args.integer(3), inner = args.integer(4);
    FloatArg<T> a, out;
    if (!float_arg(args, 0, &a) || !float_arg(args, 5, &out) || !args.ok()) return false;
    int64_t row = 0;
    if (outer < 0 || width < 0 || inner < 0 || width > out.length || __builtin_mul_overflow(width, inner, &row)) return false;
    if (!in_bounds(a.length, offset, {{outer, row}, {width, inner}, {inner, 1}})) return false;
    sum_blocks<T>(a.data + offset, outer, width, inner, out.data);
    return true;
  }
};

napi_value SumBlocks_(napi_env env, napi_callback_info info) { return by_dtype<SumBlocks>(env, info, 5); }
napi_value Moments_(napi_env env, napi_callback_info info) { return by_dtype<Moments>(env, info, 0); }

/** Argument `i` as a float32 array of `length` elements; where `optional`, null or undefined (data nullptr) too. */
bool float32_of_length(Args& args, size_t i, int64_t length, FloatArg<float>* out, bool optional = false) {
  if (optional && args.is_null(i)) return true;
  return float_arg(args, i, out) && out->length == length;
}

/** A float32 scalar argument (the optimizers' constants arrive already rounded to float32). */
float float32_number(Args& args, size_t i) { return static_cast<float>(args.number(i)); }

// sgdStep(param, grad, buf | null, lr, momentum, dampening, weightDecay, nesterov, maximize): float32
// arrays of one length, updated in place.
/** Bytes an element of a typed array of this type, 0 for none. */
int element_bytes(int type) {
  switch (type) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: return 8;
    default: return 0;
  }
}

// copy(src, srcOffset, srcStrides x 4, dst, dstOffset, dstStrides x 4, sizes x 4): typed arrays of
// one type; loader.ts merges the dims and pads them to four. The two must not overlap.
napi_value Copy(napi_env env, napi_callback_info info) {
  Args args(env, info);
  void* src = nullptr;
  void* dst = nullptr;
  int64_t src_length = 0, dst_length = 0;
  const int src_type = args.array(0, &src, &src_length);
  const int dst_type = args.array(6, &dst, &dst_length);
  const int bytes = element_bytes(src_type);
  int64_t ss[kCopyDims], ds[kCopyDims], n[kCopyDims];
  for (int d = 0; d < kCopyDims; d++) {
    ss[d] = args.integer(2 + d);
    ds[d] = args.integer(8 + d);
    n[d] = args.integer(12 + d);
  }
  const int64_t src_offset = args.integer(1), dst_offset = args.integer(7);
  const bool ok = args.ok() && bytes > 0 && dst_type == src_type &&
                  in_bounds(src_length, src_offset, {{n[0], ss[0]}, {n[1], ss[1]}, {n[2], ss[2]}, {n[3], ss[3]}}) &&
                  in_bounds(dst_length, dst_offset, {{n[0], ds[0]}, {n[1], ds[1]}, {n[2], ds[2]}, {n[3], ds[3]}});
  if (ok) {
    copy_strided(bytes, static_cast<const char*>(src) + src_offset * bytes, ss, static_cast<char*>(dst) + dst_offset * bytes, ds, n);
  }
  return boolean_value(env, ok);
}

// gatherRows(src, starts (Float64Array, in elements), rowLength, dst): src and dst of one type; row i
// of dst, rows one after another, is the rowLength elements of src from starts[i]. Declines, copying
// nothing, when a row reaches outside src or dst is too short.
napi_value GatherRows(napi_env env, napi_callback_info info) {
  Args args(env, info);
  void* src = nullptr;
  void* dst = nullptr;
  void* starts_data = nullptr;
  int64_t src_length = 0, dst_length = 0, count = 0;
  const int src_type = args.array(0, &src, &src_length);
  const int starts_type = args.array(1, &starts_data, &count);
  const int64_t row = args.integer(2);
  const int dst_type = args.array(3, &dst, &dst_length);
  const int bytes = element_bytes(src_type);
  if (!args.ok() || bytes == 0 || dst_type != src_type || starts_type != napi_float64_array || row < 0 ||
      size_of({count, row}) < 0 || size_of({count, row}) > dst_length) {
    return boolean_value(env, false);
  }
  const double* starts = static_cast<const double*>(starts_data);
  std::vector<int64_t> offsets(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; i++) {
    const double s = starts[i];
    // Integers only, and the whole row inside src (a NaN fails both comparisons).
    if (!(s >= 0 && s <= static_cast<double>(src_length - row)) || s != static_cast<double>(static_cast<int64_t>(s))) {
      return boolean_value(env, false);
    }
    offsets[static_cast<size_t>(i)] = static_cast<int64_t>(s) * bytes;
  }
  gather_rows(static_cast<const char*>(src), offsets.data(), count, row * bytes, static_cast<char*>(dst));
  return boolean_value(env, true);
}

napi_value SgdStep(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> param, grad, buf;
  const SgdOptions o{args.number(3), args.number(4), args.number(5), args.number(6), args.boolean(7), args.boolean(8)};
  const bool ok = float_arg(args, 0, &param) && float32_of_length(args, 1, param.length, &grad) &&
                  float32_of_length(args, 2, param.length, &buf, true) && args.ok();
  if (ok) sgd_step(param.data, grad.data, buf.data, param.length, o);
  return boolean_value(env, ok);
}

// adamStep(param, grad, expAvg, expAvgSq, decoupled, decayGrad, shrink, decay, w1, beta2, w2, root, eps,
// scale, sign): backend.ts's AdamConstants after the four float32 arrays of one length.
napi_value AdamStep(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> param, grad, exp_avg, exp_avg_sq;
  const AdamConstants c{args.boolean(4), args.boolean(5), float32_number(args, 6), float32_number(args, 7), float32_number(args, 8),
                        float32_number(args, 9), float32_number(args, 10), float32_number(args, 11), float32_number(args, 12),
                        float32_number(args, 13), float32_number(args, 14)};
  const bool ok = float_arg(args, 0, &param) && float32_of_length(args, 1, param.length, &grad) &&
                  float32_of_length(args, 2, param.length, &exp_avg) && float32_of_length(args, 3, param.length, &exp_avg_sq) && args.ok();
  if (ok) adam_step(param.data, grad.data, exp_avg.data, exp_avg_sq.data, param.length, c);
  return boolean_value(env, ok);
}

// rmspropStep(param, grad, squareAvg, momentumBuffer | null, gradAvg | null, decayGrad, decay, alpha, w,
// eps, momentum, step, sign)
napi_value RmspropStep(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> param, grad, square_avg, buf, grad_avg;
  const RmspropConstants c{args.boolean(5), float32_number(args, 6), float32_number(args, 7), float32_number(args, 8),
                           float32_number(args, 9), float32_number(args, 10), float32_number(args, 11), float32_number(args, 12)};
  const bool ok = float_arg(args, 0, &param) && float32_of_length(args, 1, param.length, &grad) &&
                  float32_of_length(args, 2, param.length, &square_avg) && float32_of_length(args, 3, param.length, &buf, true) &&
                  float32_of_length(args, 4, param.length, &grad_avg, true) && args.ok();
  if (ok) rmsprop_step(param.data, grad.data, square_avg.data, buf.data, grad_avg.data, param.length, c);
  return boolean_value(env, ok);
}

// adagradStep(param, grad, sum, decayGrad, decay, eps, step, sign)
napi_value AdagradStep(napi_env env, napi_callback_info info) {
  Args args(env, info);
  FloatArg<float> param, grad, sum;
  const AdagradConstants c{args.boolean(3), float32_number(args, 4), float32_number(args, 5), float32_number(args, 6),
                           float32_number(args, 7)};
  const bool ok = float_arg(args, 0, &param) && float32_of_length(args, 1, param.length, &grad) &&
                  float32_of_length(args, 2, param.length, &sum) && args.ok();
  if (ok) adagrad_step(param.data, grad.data, sum.data, param.length, c);
  return boolean_value(env, ok);
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const int64_t n = args.integer(0);
  // 1024 is registry.ts's MAX_THREADS, which rejects larger counts before they get here: keep them equal.
  if (args.ok() && n >= 1 && n <= 1024) {
    set_num_threads(static_cast<int>(n));
  }
  return nullptr;
}

napi_value GetNumThreads(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_int32(env, num_threads(), &result);
  return result;
}

napi_value string_or_null(napi_env env, const char* s) {
  napi_value result;
  if (s == nullptr) napi_get_null(env, &result);
  else napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &result);
  return result;
}

// info(): { blas: string | null (null also while switched off), blasCore: string | null, kernels: string }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "blas", string_or_null(env, blas_enabled() ? blas_name() : nullptr));
  napi_set_named_property(env, result, "blasCore", string_or_null(env, blas_enabled() ? blas_core() : nullptr));
  napi_set_named_property(env, result, "kernels", string_or_null(env, active_kernels().name));
  return result;
}

// configure(useBlas, genericKernels): the switches the tests use to reach every code path.
napi_value Configure(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const bool use_blas = args.boolean(0), generic = args.boolean(1);
  if (args.ok()) {
    enable_blas(use_blas);
    force_generic_kernels(generic);
  }
  return nullptr;
}

/**
 * Keeps freed tensor buffers in the process heap for reuse (glibc only), once, when the backend is
 * first chosen. Node allocates every ArrayBuffer with calloc, and glibc serves large blocks with mmap
 * (or trims them off the heap top on free): every fresh output then costs page faults and cold cache
 * lines, which dominated elementwise chains (W2: 2.3x slower) and halved 2-thread GEMM (both threads
 * faulting on the product's pages). PyTorch's tensors get the same reuse from glibc's dynamic
 * thresholds (up to 32 MiB blocks, 64 MiB trim); a JavaScript buffer outlives its last use until a
 * garbage collection, so these are set outright. Settings the user made through glibc's environment
 * variables are left alone. Returns whether the thresholds are set.
 */
bool keep_freed_buffers() {
#if defined(__GLIBC__)
  static const bool applied = [] {
    if (getenv("MALLOC_MMAP_THRESHOLD_") != nullptr || getenv("MALLOC_TRIM_THRESHOLD_") != nullptr || getenv("GLIBC_TUNABLES") != nullptr) {
      return false;
    }
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 64 << 20) == 1;
  }();
  return applied;
#else
  return false;
#endif
}

// keepFreedBuffers(): keep_freed_buffers(), as a boolean.
napi_value KeepFreedBuffers(napi_env env, napi_callback_info) { return boolean_value(env, keep_freed_buffers()); }

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"copy", nullptr, Copy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gatherRows", nullptr, GatherRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"extremeRows", nullptr, ExtremeRows_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"compare", nullptr, Compare_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"select", nullptr, Select_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxRows", nullptr, SoftmaxRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"layerNormRows", nullptr, LayerNormRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"normBackward", nullptr, NormBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxBackwardRows", nullptr, SoftmaxBackwardRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convolutionForward", nullptr, ConvForward_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convolutionTransposeForward", nullptr, ConvTransposeForward_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convolutionWeightGrad", nullptr, ConvWeightGrad_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool2d", nullptr, MaxPool2d_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolBackward", nullptr, MaxPoolBackward_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binaryBlocks", nullptr, BinaryBlocks_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sum", nullptr, Sum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fused", nullptr, Fused_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fusedSum", nullptr, FusedSum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumBlocks", nullptr, SumBlocks_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"moments", nullptr, Moments_, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgdStep", nullptr, SgdStep, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamStep", nullptr, AdamStep, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rmspropStep", nullptr, RmspropStep, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adagradStep", nullptr, AdagradStep, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setNumThreads", nullptr, SetNumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getNumThreads", nullptr, GetNumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"keepFreedBuffers", nullptr, KeepFreedBuffers, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"configure", nullptr, Configure, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  init_blas_threads();
  return exports;
}

}  // namespace
}  // namespace tstorch

NAPI_MODULE(NODE_GYP_MODULE_NAME, tstorch::Init)
