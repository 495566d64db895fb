// native-fma: the wasm-fma backend with the readout's dot products (the Gram matrices, X'Y, the
// ridge grid's products, the test predictions) in native code with 256- or 512-bit vectors
// (native/kernels.c), which WebAssembly's 128-bit SIMD cannot match: measured 1.5x (AVX2) and 2.2x
// (AVX-512) wasm-fma's products on an Intel Xeon (bench/, readout). The simulation, the eigen-solvers
// and the rest of the readout are wasm-fma's own code. Its numbers are its own: every product
// element is summed in one order on every path (native/kernels.c), which is not wasm-fma's, so
// its readouts differ from wasm-fma's in the last bits.
import { nativeKernels } from '../native/kernels.js';
import type { Backend } from './backend.js';
import { wasmFmaBackend } from './wasm.js';

export const nativeFmaBackend: Backend = {
  ...wasmFmaBackend,
  name: 'native-fma',

  dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric = false, out) {
    const k = nativeKernels();
    const c = out ?? new Float64Array(na * nb);
    // symmetric mirrors the upper triangle, which equals the whole product only when B is A itself
    k.dotRows(k.bestPath(), a, na, lda, b, nb, ldb, t0, t1, c, symmetric && a === b && na === nb && lda === ldb);
    return c;
  },
};
