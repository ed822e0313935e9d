# The native backend's Node-API addon (src/backends/native). tools/build-native.mjs runs node-gyp on
# this file at install time; see docs/native-backend.md. The BLAS variables come from that script's
# detection (header and library found, TSTORCH_NO_BLAS unset): "openblas", "accelerate" or "none".
{
  "variables": {
    "tstorch_blas%": "<!(node tools/build-native.mjs detect blas)",
    "tstorch_blas_include%": "<!(node tools/build-native.mjs detect include)",
    "tstorch_blas_libdir%": "<!(node tools/build-native.mjs detect libdir)",
  },
  # -fno-math-errno: nothing reads errno, and with it sqrt is an instruction the loops can vectorise.
  # -fno-trapping-math: no code here reads or traps on floating-point exception flags, so the compiler
  # may compute both sides of a select; without it maximum/minimum's nan test kept their loops scalar
  # and branchy (clamp of 16K floats: 46 µs).
  # -falign-functions=64: where a hot loop falls in the instruction cache then depends on its own
  # function only. Unaligned, code added to addon.cc moved im2col's copy loop and made W5 8% slower.
  "target_defaults": {
    "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math", "-falign-functions=64"],
    "cflags_cc!": ["-std=gnu++17", "-O2"],
    "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math", "-falign-functions=64"]},
  },
  "targets": [
    {
      "target_name": "tstorch",
      "sources": [
        "src/backends/native/addon.cc",
        "src/backends/native/conv.cc",
        "src/backends/native/copy.cc",
        "src/backends/native/elementwise.cc",
        "src/backends/native/gemm.cc",
        "src/backends/native/kernels.cc",
        "src/backends/native/kernels_generic.cc",
        "src/backends/native/optim.cc",
        "src/backends/native/pooling.cc",
        "src/backends/native/threadpool.cc",
      ],
      "conditions": [
        ["target_arch=='x64'", {
          "defines": ["TSTORCH_HAVE_AVX2"],
          "dependencies": ["tstorch_avx2"],
        }],
        ["tstorch_blas=='openblas'", {
          "defines": ["TSTORCH_BLAS_OPENBLAS"],
          "include_dirs": ["<(tstorch_blas_include)"],
          "libraries": ["-L<(tstorch_blas_libdir)", "-Wl,-rpath,<(tstorch_blas_libdir)", "-lopenblas"],
        }],
        ["tstorch_blas=='accelerate'", {
          "defines": ["TSTORCH_BLAS_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
          "libraries": ["-framework Accelerate"],
        }],
      ],
    },
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          # The AVX2+FMA kernels, alone in a library so that only they get these flags; the addon
          # calls them only on CPUs that have both (kernels.cc).
          "target_name": "tstorch_avx2",
          "type": "static_library",
          "sources": ["src/backends/native/kernels_avx2.cc"],
          "cflags": ["-mavx2", "-mfma", "-fPIC"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"]},
        },
      ],
    }],
  ],
}
