#!/usr/bin/env python3
"""numpy reference figures for bench/run.ts.

Usage: python3 bench/numpy_ref.py '<json args>'
Prints one JSON object on stdout. Never changes thread settings: numpy and its BLAS run with
whatever threads they have as installed (the environment is left as the caller gave it).

Kinds:
  {"kind": "info"}
      -> numpy version, BLAS name, cpu count
  {"kind": "rate", "n": N, "p": p, "steps": T, "dtype": "float64"|"float32", "repeats": 3, "warmup": 300, "streams": 1}
      -> steps/s of x = a*x + (1-a)*(W@r + U@s + b); r = tanh(x), W dense (numpy has no sparse),
         best of `repeats`; with streams k > 1, k states (n x k, a tau each) through one W
  {"kind": "readout", "n": N, "steps": T, "k": K, "train": [a, b], "validation": [a, b],
   "test": [a, b], "ridges": [...], "repeats": 3}
      -> seconds of the shared-Gram ridge readout (centre, Gram, X'Y, eigh, per-ridge solutions and
         validation predictions, best ridge per target, test predictions), best of `repeats`
"""
import json
import os
import sys
import time


def info():
    import numpy as np

    blas = None
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg.get("Build Dependencies", {}).get("blas", {})
        blas = f"{b.get('name', '?')} {b.get('version', '')}".strip()
    except Exception:  # older numpy, or a build without the dict form
        pass
    return {"numpy": np.__version__, "blas": blas, "cpus": os.cpu_count(), "python": sys.version.split()[0]}


def rate(args):
    import numpy as np

    n = int(args["n"])
    p = float(args["p"])
    steps = int(args["steps"])
    repeats = int(args.get("repeats", 3))
    warmup = int(args.get("warmup", 300))
    dt = np.dtype(args.get("dtype", "float64"))
    d = 3
    rng = np.random.default_rng(12345)

    # same shapes and density as the engine's network: Erdos-Renyi N(0,1) with probability p,
    # gain 0.9 / sqrt(pN); U ~ N(0,1) (n x 3); b ~ N(0, 0.5); lognormal tau, mean 5 steps, cv 1
    mask = rng.random((n, n)) < p
    W = np.where(mask, rng.standard_normal((n, n)), 0.0) * (0.9 / np.sqrt(p * n))
    W = np.ascontiguousarray(W, dtype=dt)
    U = np.ascontiguousarray(rng.standard_normal((n, d)), dtype=dt)
    b = np.ascontiguousarray(0.5 * rng.standard_normal(n), dtype=dt)
    # streams > 1: that many states side by side (n x k), each with its own tau, through one W (a
    # matrix product per step): numpy's form of the engine's batched levels
    k = int(args.get("streams", 1))
    shape = (n,) if k == 1 else (n, k)
    sigma2 = np.log(1.0 + 1.0**2)
    tau = 5.0 * np.exp(rng.standard_normal(shape) * np.sqrt(sigma2) - sigma2 / 2)
    tau = np.clip(tau, 1.0, 500.0)
    a = np.exp(-1.0 / tau).astype(dt)
    oma = (1.0 - a).astype(dt)
    S = np.ascontiguousarray(rng.uniform(-1.0, 1.0, (steps + warmup, d)), dtype=dt)
    bk = b if k == 1 else np.ascontiguousarray(b[:, None])

    x = np.zeros(shape, dtype=dt)
    r = np.zeros(shape, dtype=dt)
    h = np.empty(shape, dtype=dt)

    def run(t0, t1):
        # written with out= and in-place operations: the strongest plain-numpy form of the update
        for t in range(t0, t1):
            np.dot(W, r, out=h)
            np.add(h, (U @ S[t]) if k == 1 else (U @ S[t])[:, None], out=h)
            np.add(h, bk, out=h)
            np.multiply(h, oma, out=h)
            np.multiply(x, a, out=x)
            np.add(x, h, out=x)
            np.tanh(x, out=r)

    run(0, warmup)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(warmup, warmup + steps)
        best = min(best, time.perf_counter() - t0)
    return {
        "seconds": best,
        "stepsPerSecond": steps / best,
        "streamStepsPerSecond": steps * k / best,
        "streams": k,
        "dtype": str(dt),
        "density": float(mask.mean()),
        "checksum": float(np.sum(r)),
    }


def readout(args):
    import numpy as np

    n = int(args["n"])
    T = int(args["steps"])
    K = int(args["k"])
    tr0, tr1 = args["train"]
    va0, va1 = args["validation"]
    te0, te1 = args["test"]
    ridges = np.asarray(args["ridges"], dtype=np.float64)
    repeats = int(args.get("repeats", 3))
    rng = np.random.default_rng(6789)

    # random tanh states (a surrogate for reservoir states; the cost does not depend on the values)
    X = np.tanh(rng.standard_normal((T, n)) + 0.3 * rng.standard_normal((T, 1)))
    Y = rng.standard_normal((T, K))

    def fit():
        Xtr = X[tr0:tr1]
        Ytr = Y[tr0:tr1]
        mu = Xtr.mean(axis=0)
        ym = Ytr.mean(axis=0)
        Xc = Xtr - mu
        Yc = Ytr - ym
        G = Xc.T @ Xc
        B = Xc.T @ Yc
        l, V = np.linalg.eigh(G)
        Z = V.T @ B
        Xv = X[va0:va1] - mu
        Yv = Y[va0:va1]
        best_err = np.full(K, np.inf)
        best_w = np.zeros((n, K))
        best_ridge = np.zeros(K)
        for alpha in ridges:
            Wc = V @ (Z / (l + alpha)[:, None])
            pred = Xv @ Wc + ym
            err = np.sum((pred - Yv) ** 2, axis=0)
            better = err < best_err
            best_err = np.where(better, err, best_err)
            best_ridge = np.where(better, alpha, best_ridge)
            best_w[:, better] = Wc[:, better]
        pred = (X[te0:te1] - mu) @ best_w + ym
        Yt = Y[te0:te1]
        ss_res = np.sum((Yt - pred) ** 2, axis=0)
        ss_tot = np.sum((Yt - Yt.mean(axis=0)) ** 2, axis=0)
        return 1.0 - ss_res / ss_tot

    fit()  # warm-up (BLAS thread start, page faults)
    best = float("inf")
    r2 = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        r2 = fit()
        best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "meanR2": float(np.mean(r2))}


def main():
    try:
        args = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {"kind": "info"}
        kind = args.get("kind", "info")
        if kind == "info":
            out = info()
        elif kind == "rate":
            out = rate(args)
        elif kind == "readout":
            out = readout(args)
        else:
            raise ValueError(f"unknown kind {kind!r}")
        out["ok"] = True
    except Exception as err:  # report in JSON so the TypeScript side can print n/a and go on
        out = {"ok": False, "error": f"{type(err).__name__}: {err}"}
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
