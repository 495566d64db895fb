// GPU check: the gpu.js backend against the CPU engine (WebAssembly, float64) on the rate update,
// dense W, N = 500 ... 4000, same networks and inputs. Prints steps per second for each and the
// ratio gpujs / wasm. Meant for a machine with a GPU (bench/gpu-check.sh carries what it needs);
// here it runs on software GL under Xvfb and only shows that the path works.
import { NetworkSchema, RateModelSchema } from '../common/spec.js';
import { gpuJsUnavailable } from '../worker/backends/gpujs.js';
import { backendByName } from '../worker/backends/registry.js';
import { generateInput } from '../worker/inputs.js';
import { buildNetwork } from '../worker/network.js';

const sizes = (process.argv[2] ?? '500,1000,2000,4000').split(',').map(Number);
const steps = Number(process.argv[3] ?? 200);
const why = gpuJsUnavailable('headlessgl');
if (why) {
  console.error(`gpujs unavailable: ${why}`);
  process.exit(2);
}
const gpu = backendByName('gpujs');
const cpu = backendByName('wasm');
console.log('N      wasm steps/s   gpujs steps/s   gpujs/wasm   max |diff|');
for (const n of sizes) {
  const spec = NetworkSchema.parse({ n, p: 1, heterogeneity: { family: 'lognormal', cv: 1 } });
  const net = buildNetwork(spec, 3, 7);
  const model = RateModelSchema.parse(spec.model);
  const input = generateInput([{ family: 'white' }, { family: 'white' }, { family: 'white' }], steps, 1);
  const time = (f: () => Float64Array) => {
    f(); // warm-up: kernel compilation
    const t = performance.now();
    const out = f();
    return { secs: (performance.now() - t) / 1000, out };
  };
  const c = time(() => cpu.simulateRate(model, net, input, steps, 0));
  const g = time(() => gpu.simulateRate(model, net, input, steps, 0));
  let diff = 0;
  for (let i = 0; i < c.out.length; i++) diff = Math.max(diff, Math.abs(c.out[i] - g.out[i]));
  const cs = steps / c.secs;
  const gs = steps / g.secs;
  console.log(`${String(n).padEnd(6)} ${cs.toFixed(0).padStart(12)}   ${gs.toFixed(0).padStart(13)}   ${(gs / cs).toFixed(2).padStart(10)}   ${diff.toExponential(1)}`);
}
process.exit(0);
