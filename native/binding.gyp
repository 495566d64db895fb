{
  "targets": [
    {
      "target_name": "quench_kernels",
      "sources": ["kernels.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c11"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-fast-math"] }
    }
  ]
}
