{
  "targets": [
    {
      "target_name": "aa_nas_native",
      "sources": [
        "src/addon.cc",
        "src/caching_allocator.cc",
        "src/handles.cc",
        "src/tensor_ops.cc",
        "src/math_ops.cc",
        "src/nn_ops.cc",
        "src/batch_norm_cpu.cc",
        "src/shape_ops.cc",
        "src/autograd_ops.cc",
        "src/optim_ops.cc",
        "src/runtime_ops.cc",
        "src/replica_group.cc",
        "src/sync_batch_norm.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "<!@(node torch-config.mjs cflags)"],
      "ldflags": ["<!@(node torch-config.mjs ldflags)"],
      "libraries": ["<!@(node torch-config.mjs libs)"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
