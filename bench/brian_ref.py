"""Brian2 reference for the LIF bench: the same network as Quench's bench (N neurons, p = 0.1,
exponential current synapses that jump by w, tau_m 20 ms, tau_syn 5 ms, v_th 1, reset 0, t_ref
2 ms, dt 1 ms, constant per-neuron drive around threshold), 1 s simulated with Brian2's Cython
target. Prints JSON: wall seconds of the 1 s run (code generation and compilation excluded by a
first short run), spikes, synaptic events (spikes x out-degree) and events per second.
Run with Debian's python3 (python3-brian): /usr/bin/python3 bench/brian_ref.py 4000"""
import json
import sys
import time

import numpy as np
from brian2 import NeuronGroup, Synapses, SpikeMonitor, Network, ms, second, defaultclock, prefs

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
drive = float(sys.argv[2]) if len(sys.argv) > 2 else 1.05
prefs.codegen.target = "cython"
defaultclock.dt = 1 * ms
rng = np.random.default_rng(1)

eqs = """
dv/dt = (-v + I + Ib) / tau : 1 (unless refractory)
dI/dt = -I / (5*ms) : 1
Ib : 1
tau : second
"""
G = NeuronGroup(n, eqs, threshold="v >= 1", reset="v = 0", refractory=2 * ms, method="exact")
G.v = rng.uniform(0, 1, n)
G.Ib = drive + 0.1 * rng.standard_normal(n)
G.tau = np.clip(20 * rng.lognormal(-0.5 * np.log(2), np.sqrt(np.log(2)), n), 1, 2000) * ms
S = Synapses(G, G, "w : 1", on_pre="I += w")
S.connect(p=0.1)
S.w = 0.9 / np.sqrt(0.1 * n) * rng.standard_normal(len(S.i))
M = SpikeMonitor(G)
net = Network(G, S, M)
net.run(10 * ms)  # code generation and compilation
before = M.num_spikes
t = time.perf_counter()
net.run(1 * second)
wall = time.perf_counter() - t
spikes = M.num_spikes - before
out_degree = np.bincount(np.asarray(S.i), minlength=n)
events = int(out_degree[np.asarray(M.i)[before:]].sum())
print(json.dumps({"ok": True, "n": n, "seconds": wall, "spikes": int(spikes), "rateHz": spikes / n, "events": events, "eventsPerSecond": events / wall, "brian2": __import__("brian2").__version__}))
