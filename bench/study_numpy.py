#!/usr/bin/env python3
"""The whole rate study in plain numpy: a reference for "Quench took X s, numpy Y s".

Usage: python3 bench/study_numpy.py <plan.json> [--mechanisms] [--max-runs N]

The plan comes from bench/study-plan.ts (node dist/bench/study-plan.js plan.json). For every run of
every preset in it, this does the work Quench does for that run (worker/run.ts), in one process,
run after run:
  network    draw W (Erdos-Renyi N(0,1) at density p, dense float64: plain numpy has no sparse), scale
             it (g / sqrt(p N), or to a spectral radius), apply the manipulations, draw U and b
  input      the D channels of the run's families, T = washout + train + validation + test steps
  targets    the K targets of the run's task list (worker/tasks.ts computeTarget), K x T
  simulate   the rate update (li or esn, tanh) for T steps, every state kept as a row of X (T x N)
  readout    Quench's ridge readout (worker/readout.ts): centred Gram on the training segment, eigh,
             X'Y in the eigenbasis, every ridge's validation error in closed form, the best ridge per
             task, test R^2 (and accuracy for xor)
  spectra    N <= 400: eigenvalues of W (rho_W) and of diag(a) + diag(1 - a) W (rho_eff)
  mechanisms with --mechanisms (worker/mechanisms.ts): lag-1 autocorrelation timescales, participation
             ratio of the Gram's eigenvalues, task-state alignment, and for N <= 400 the eigenvalues of
             the update linearised at the mean slope
Prints one JSON object on stdout: {"ok": true, "numpy", "mechanisms", "threadsEnv", "presets": [{"name", "runs",
"seconds", "parts": {...}, "meanTestR2", "meanCapacity"}], "totalSeconds", "meanTestR2"} (parts in
seconds, summed over the preset's runs), or {"ok": false, "error"}. Thread settings are left as
installed: numpy and its BLAS use what they have.

Received from the plan vs drawn here: tau (realised) and the task list are Quench's own; W, U, b and
the input stream are drawn here from numpy's generator, seeded from the run's network / input seed,
with the same laws (so runs that share a seed in Quench share them here too, and drawing them is
timed as Quench's drawing is). Scores therefore agree with Quench's on average, not run by run.
Written in the strongest plain-numpy form: in-place operations with out=, the input drive U s + b of
all steps as one matrix product, the leak (1 - a) folded into W and the drive once per run.

Where the work is not Quench's (say so beside any figure):
  - W is dense here in the simulation and everywhere: a step costs N^2 where Quench's CSR product
    costs p N^2 (it goes dense only above p = 0.3), and a removed or zero-gain W still costs N^2.
  - tau is received, not drawn: Quench's drawTaus (with the realised-CV search of the skew preset's
    'realised' levels) is not in numpy's network time.
  - runs go one after another on one process (BLAS threads as installed); Quench runs several at once
    on its threads and simulates dense runs that differ only in tau together (worker/batch.ts).
  - without --mechanisms the mechanism measures are skipped; Quench makes them for every rate run,
    so compare with --mechanisms. Their summaries here are lighter (mean, sd, quantiles, histogram).
  - NARMA targets, and the coloured, mackey-glass and lorenz channels, are recursions: Python loops.
"""
import json
import os
import sys
import time

import numpy as np

# tags of numpy's draws under a run's seeds (numpy's own; Quench's generator is not re-implemented)
TAG_W, TAG_U, TAG_B, TAG_NOISE, TAG_MANIP, TAG_CHANNEL = 1, 2, 3, 4, 100, 1000
SPECTRA_MAX_N = 400  # worker/network.ts: above it Quench computes no eigenvalues
DEFAULT_TIMESCALE = {"coloured": 10.0, "hold": 10.0, "pulses": 20.0}
EPS = np.finfo(np.float64).eps


def rng_for(seed, tag):
    return np.random.default_rng([int(seed), int(tag)])


def js_round(x):
    """Math.round: halves go up (Python's round goes to even)."""
    return int(np.floor(x + 0.5))


# ---------------------------------------------------------------------------------------------
# network (worker/network.ts)


def erdos_renyi(n, p, rng):
    """N(0,1) with probability p, row by row; only the kept entries draw a normal, as Quench does."""
    mask = rng.random((n, n)) < p
    w = np.zeros((n, n))
    w[mask] = rng.standard_normal(np.count_nonzero(mask))
    return w


def scale_recurrent(w, scaling, p):
    n = w.shape[0]
    if scaling["mode"] == "gain":
        w *= scaling["g"] / np.sqrt(p * n)
        return
    rho = np.max(np.abs(np.linalg.eigvals(w))) if n else 0.0
    if rho == 0:
        if scaling["rho"] == 0:
            return
        raise ValueError(f"scaling.rho: the drawn W has spectral radius 0 (n = {n}, p = {p})")
    w *= scaling["rho"] / rho


def build_network(run, d):
    n = run["n"]
    seed = run["seeds"]["network"]
    w = erdos_renyi(n, run["p"], rng_for(seed, TAG_W))
    scale_recurrent(w, run["scaling"], run["p"])
    ru = rng_for(seed, TAG_U)
    keep = ru.random((n, d)) < run["inputConnectivity"]
    u = ru.standard_normal((n, d)) * run["inputScale"]
    u[~keep] = 0.0
    b = rng_for(seed, TAG_B).standard_normal(n) * run["biasScale"]
    for k, m in enumerate(run["manipulations"]):
        rm = rng_for(seed, TAG_MANIP + k)
        op = m["op"]
        if op == "scaleGain":
            w *= m["factor"]
        elif op == "removeRecurrence":
            w[:] = 0.0
        elif op == "scaleInput":
            u *= m["factor"]
        elif op == "resampleConnectivity":
            # a fresh draw at the new p, scaled by the base network's rule with the new p
            w = erdos_renyi(n, m["p"], rm)
            scale_recurrent(w, run["scaling"], m["p"])
        elif op == "weightNoise":
            nz = w != 0
            w[nz] *= 1.0 + m["sigma"] * rm.standard_normal(np.count_nonzero(nz))
        elif op == "prune":
            idx = np.flatnonzero(w)
            kk = js_round(m["fraction"] * idx.size)
            if m.get("mode", "random") == "weakest":
                idx = idx[np.argsort(np.abs(w.flat[idx]), kind="stable")]  # ties by index, as Quench
            else:
                idx = rm.permutation(idx)
            w.flat[idx[:kk]] = 0.0
        elif op == "perturbTau":
            pass  # already in the plan's realised tau
        else:
            raise ValueError(f"unknown manipulation {op!r}")
    return w, u, b


# ---------------------------------------------------------------------------------------------
# input (worker/inputs.ts): the same families and normalisation, numpy's own random numbers


def normalise_max(x):
    x = x - x.mean()
    peak = np.max(np.abs(x)) if x.size else 0.0
    if peak == 0 or not np.isfinite(peak):
        return np.zeros_like(x)
    return np.clip(x / peak, -1.0, 1.0)


def coloured(T, ts, rng):
    a = np.exp(-1.0 / ts)
    bb = np.sqrt(1.0 - a * a)
    xi = rng.standard_normal(T + 1).tolist()  # an AR(1) recursion: no vector form in plain numpy
    out = [0.0] * T
    v = xi[0]
    for t in range(T):
        out[t] = v
        v = a * v + bb * xi[t + 1]
    return np.array(out)


def sines(T, rng):
    period = 10.0 * 10.0 ** rng.random(3)  # log-uniform in [10, 100]
    phase = 2 * np.pi * rng.random(3)
    t = np.arange(T, dtype=np.float64)
    return np.sin(np.outer(t, 2 * np.pi / period) + phase).sum(axis=1)


def mackey_glass(T, rng):
    tau, beta, gamma, p, dt, every, transient = 17, 0.2, 0.1, 10, 0.1, 10, 1000
    lag = round(tau / dt)
    hist = (0.5 + rng.random(lag + 1)).tolist()  # a delay recursion: a Python loop (Heun)
    f = lambda x, xd: beta * xd / (1 + xd**p) - gamma * x
    for _ in range(round(transient / dt) + T * every):
        x, xd0, xd1 = hist[-1], hist[-lag - 1], hist[-lag]
        k1 = f(x, xd0)
        k2 = f(x + dt * k1, xd1)
        hist.append(x + 0.5 * dt * (k1 + k2))
    start = lag + round(transient / dt)
    return np.array(hist[start : start + T * every : every])


def lorenz(T, rng):
    s, r, bt, h, every, transient = 10.0, 28.0, 8.0 / 3.0, 0.01, 3, 50
    x, y, z = -15 + 30 * rng.random(), -15 + 30 * rng.random(), 5 + 35 * rng.random()

    def f(x, y, z):
        return s * (y - x), x * (r - z) - y, x * y - bt * z

    out = []
    total = round(transient / h)
    for i in range(total + T * every):
        if i >= total and (i - total) % every == 0:
            out.append(x)
        k1 = f(x, y, z)
        k2 = f(x + 0.5 * h * k1[0], y + 0.5 * h * k1[1], z + 0.5 * h * k1[2])
        k3 = f(x + 0.5 * h * k2[0], y + 0.5 * h * k2[1], z + 0.5 * h * k2[2])
        k4 = f(x + h * k3[0], y + h * k3[1], z + h * k3[2])
        x += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        y += h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        z += h / 6 * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2])
    return np.array(out)


def hold(T, ts, rng):
    p = min(1.0, 1.0 / ts)
    levels = 2 * rng.random(T) - 1
    change = rng.random(T - 1) < p if T > 1 else np.zeros(0, bool)  # a new level after step t
    return levels[np.concatenate(([0], np.cumsum(change)))] if T else levels


def pulses(T, ts, rng):
    p = min(1.0, 1.0 / ts)
    on = rng.random(T) < p
    sign = np.where(rng.random(T) < 0.5, -1.0, 1.0)
    return np.where(on, sign, 0.0)


def generate_input(channels, T, seed):
    """D x T, channel-major (each channel's samples contiguous: what the targets read)."""
    S = np.empty((len(channels), T))
    for k, c in enumerate(channels):
        rng = rng_for(seed, TAG_CHANNEL + k)
        fam = c.get("family", "white")
        ts = c.get("timescaleSteps", DEFAULT_TIMESCALE.get(fam, 10.0))
        if fam == "white":
            S[k] = 2 * rng.random(T) - 1
        elif fam == "coloured":
            S[k] = normalise_max(coloured(T, ts, rng))
        elif fam == "sines":
            S[k] = normalise_max(sines(T, rng))
        elif fam == "mackey-glass":
            S[k] = normalise_max(mackey_glass(T, rng))
        elif fam == "lorenz":
            S[k] = normalise_max(lorenz(T, rng))
        elif fam == "hold":
            S[k] = hold(T, ts, rng)
        elif fam == "pulses":
            S[k] = pulses(T, ts, rng)
        else:
            raise ValueError(f"unknown input family {fam!r}")
    return S


# ---------------------------------------------------------------------------------------------
# targets (worker/tasks.ts computeTarget)


def legendre(n, x):
    """sqrt(2n + 1) P_n(x), by the three-term recursion."""
    if n == 0:
        return np.ones_like(x)
    p0, p1 = np.ones_like(x), x
    for k in range(1, n):
        p0, p1 = p1, ((2 * k + 1) * x * p1 - k * p0) / (k + 1)
    return np.sqrt(2 * n + 1) * p1


def narma(s, n, T):
    """NARMA-n, out[t] = y(t+1) capped at 1: a nonlinear recursion, so a Python loop over floats."""
    beta = 0.05 if n <= 10 else 0.5 / n
    u = ((s + 1.0) / 4.0).tolist()
    ring = [0.0] * n
    out = [0.0] * T
    sum_y = y = 0.0
    for t in range(T):
        um = u[t - n + 1] if t - n + 1 >= 0 else 0.25
        nxt = 0.3 * y + beta * y * sum_y + 1.5 * um * u[t] + 0.1
        if not nxt <= 1.0:
            nxt = 1.0
        out[t] = nxt
        slot = (t + 1) % n
        sum_y += nxt - ring[slot]
        ring[slot] = nxt
        y = nxt
    return np.array(out)


def compute_targets(tasks, S, T):
    """K x T. Inputs before t = 0 count as 0: S padded with P zeros in front, a delay is a slice."""
    D = S.shape[0]
    P = 0
    for tk in tasks:
        pr = tk["params"]
        P = max(P, int(pr.get("d", 0)), int(pr.get("d2", 0)), int(pr.get("w", 0)))
    Sp = np.zeros((D, P + T))
    Sp[:, P:] = S

    def lagged(k, d):
        return Sp[k, P - d : P - d + T]

    cache = {}  # per channel: Legendre polynomials of the padded stream, cumulative sums
    Y = np.empty((len(tasks), T))
    for j, tk in enumerate(tasks):
        fam, pr, k = tk["family"], tk["params"], tk["channels"][0]
        out = Y[j]
        if fam == "delay":
            out[:] = lagged(k, pr["d"])
        elif fam == "legendre":
            key = ("leg", k, pr["n"])
            if key not in cache:
                cache[key] = legendre(int(pr["n"]), Sp[k])  # P_n(0) before t = 0, as Quench
            d = pr["d"]
            out[:] = cache[key][P - d : P - d + T]
        elif fam in ("product", "xor"):
            l = tk["channels"][1]
            np.multiply(lagged(k, pr["d1"]), lagged(l, pr["d2"]), out=out)
            if fam == "xor":
                out[:] = np.where(out < 0, -1.0, 1.0)
        elif fam == "window":
            w = pr["w"]
            if pr["kind"] == "mean":
                key = ("cum", k)
                if key not in cache:
                    cache[key] = np.concatenate(([0.0], np.cumsum(Sp[k])))
                c = cache[key]
                np.subtract(c[P + 1 : P + T + 1], c[P + 1 - w : P + T + 1 - w], out=out)
                out /= w
            else:
                np.subtract(lagged(k, 0), lagged(k, w), out=out)
        elif fam == "narma":
            out[:] = narma(S[k], int(pr["n"]), T)
        elif fam == "forecast":
            h = pr["h"]
            out[:] = 0.0
            if h < T:
                out[: T - h] = S[k, h:]
        elif fam == "static":
            s = S[k]
            if pr["fn"] == "sin":
                np.sin(np.pi * s, out=out)
            elif pr["fn"] == "abs":
                np.abs(s, out=out)
            else:
                np.multiply(s * s, s, out=out)
        else:
            raise ValueError(f"unknown task family {fam!r}")
    return Y


# ---------------------------------------------------------------------------------------------
# simulation (worker/models/rate.ts)


def simulate(run, w, u, b, S, T):
    """X: T x N, row t = r(t) after the input of step t."""
    n = w.shape[0]
    tau = np.asarray(run["tau"], dtype=np.float64)
    noise = run["noise"]
    rng = rng_for(run["seeds"]["input"], TAG_NOISE) if noise > 0 else None
    X = np.empty((T, n))
    h = np.empty(n)
    r = np.zeros(n)
    drive = S.T @ u.T  # U s(t) for every step at once: T x N
    drive += b
    if run["form"] == "esn":
        lr = np.minimum(1.0, 1.0 / tau)
        keep = 1.0 - lr
        for t in range(T):
            np.dot(w, r, out=h)
            h += drive[t]
            np.tanh(h, out=h)
            h *= lr
            rn = X[t]
            np.multiply(r, keep, out=rn)
            rn += h
            if rng is not None:
                rn += noise * rng.standard_normal(n)
            r = rn
        return X
    a = np.exp(-1.0 / tau)
    one = 1.0 - a
    # (1 - a) folded in once: x <- a x + (diag(1 - a) W) r + (1 - a)(U s + b)
    wa = w * one[:, None]
    drive *= one
    x = np.zeros(n)
    for t in range(T):
        np.dot(wa, r, out=h)
        h += drive[t]
        x *= a
        x += h
        if rng is not None:
            x += noise * rng.standard_normal(n)
        r = X[t]
        np.tanh(x, out=r)
    return X


# ---------------------------------------------------------------------------------------------
# readout (worker/readout.ts: accumulate, solve the ridge grid, score)


def readout(X, Y, run, classification):
    seg = run["segments"]
    t0 = seg["washout"]
    t1 = t0 + run["trainLength"]
    v0 = seg["washout"] + seg["train"]
    v1 = v0 + seg["validation"]
    e1 = v1 + seg["test"]
    n = X.shape[1]
    ridges = np.asarray(run["ridges"], dtype=np.float64)

    Xtr = X[t0:t1]
    mu = Xtr.mean(axis=0)
    Xc = Xtr - mu
    Ytr = Y[:, t0:t1]
    ym = Ytr.mean(axis=1)
    train_yy = np.sum((Ytr - ym[:, None]) ** 2, axis=1)  # for the alignment, as Quench keeps it
    G = Xc.T @ Xc
    lam, V = np.linalg.eigh(G)
    Z = V.T @ (Xc.T @ Ytr.T)  # N x K; sum of Xc over train is 0, so y needs no centring
    # validation in closed form: e(alpha) = c'Qc - 2 c'r + |yv|^2, c = Z / (l + alpha)
    Xv = X[v0:v1] - mu
    Yv = Y[:, v0:v1].T - ym
    Q = V.T @ (Xv.T @ Xv) @ V
    R = V.T @ (Xv.T @ Yv)
    yy = np.einsum("tk,tk->k", Yv, Yv)
    cut = EPS * n * max(lam[-1], 0.0)
    best = np.full(Y.shape[0], np.inf)
    best_alpha = np.zeros(Y.shape[0])
    for alpha in ridges:
        den = lam + alpha
        inv = np.divide(1.0, den, out=np.zeros(n), where=den > cut)
        C = Z * inv[:, None]
        err = np.einsum("ik,ik->k", C, Q @ C) - 2 * np.einsum("ik,ik->k", C, R) + yy
        better = err < best  # ties keep the earlier ridge
        best[better] = err[better]
        best_alpha[better] = alpha
    den = lam[:, None] + best_alpha[None, :]
    Wout = V @ np.divide(Z, den, out=np.zeros_like(Z), where=den > cut)
    pred = (X[v1:e1] - mu) @ Wout + ym  # T_test x K
    Yt = Y[:, v1:e1].T
    ss_res = np.sum((Yt - pred) ** 2, axis=0)
    ss_tot = np.sum((Yt - Yt.mean(axis=0)) ** 2, axis=0)
    r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0), 0.0)
    cls = np.asarray(classification, dtype=bool)
    accuracy = np.full(r2.shape, np.nan)
    if cls.any():
        accuracy[cls] = np.mean((pred[:, cls] >= 0) == (Yt[:, cls] >= 0), axis=0)
    return {"r2": r2, "accuracy": accuracy, "ridge": best_alpha, "lam": lam, "Z": Z, "trainYy": train_yy, "cut": cut}


# ---------------------------------------------------------------------------------------------
# spectra and mechanisms (worker/network.ts spectralSummary, worker/mechanisms.ts)


def retained(run):
    tau = np.asarray(run["tau"], dtype=np.float64)
    return 1.0 - np.minimum(1.0, 1.0 / tau) if run["form"] == "esn" else np.exp(-1.0 / tau)


def spectra(w, run):
    ew = np.linalg.eigvals(w)
    a = retained(run)
    m = w * (1.0 - a)[:, None]
    m[np.diag_indices_from(m)] += a
    return ew, float(np.max(np.abs(ew))), float(np.max(np.abs(np.linalg.eigvals(m))))


def summary(v):
    """what Quench's summarise keeps of a per-neuron quantity: moments, quantiles, a log10 histogram"""
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    pos = v[v > 0]
    return {
        "mean": float(v.mean()),
        "sd": float(v.std()),
        "quantiles": np.percentile(v, [10, 50, 90]).tolist(),
        "histogram": np.histogram(np.log10(pos), bins=20)[0].tolist() if pos.size else [],
    }


def mechanisms(X, w, run, ro, families):
    seg = run["segments"]
    t0 = seg["washout"]
    t1 = t0 + run["trainLength"]
    n = X.shape[1]
    out = {}
    Xtr = X[t0:t1]
    mean = Xtr.mean(axis=0)
    slope = 1.0 - np.einsum("ti,ti->i", Xtr, Xtr) / (t1 - t0)  # mean tanh slope 1 - r^2
    # lag-1 autocorrelation, AR(1) least squares about the segment mean: timescale -1/ln(rho1)
    d = Xtr - mean
    lagged = np.einsum("ti,ti->i", d[:-1], d[1:])
    sq = np.einsum("ti,ti->i", d[:-1], d[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        rho1 = lagged / sq
        ok = (rho1 > 0) & (rho1 < 1)
        out["timescales"] = summary(np.where(ok, -1.0 / np.log(np.where(ok, rho1, 0.5)), np.nan))
    # dimensionality from the Gram's eigenvalues, descending (rounding-level ones count as 0)
    lam = ro["lam"]
    l = np.where(lam > EPS * n * max(lam.max(), 0.0), lam, 0.0)[::-1]
    total = l.sum()
    if total > 0:
        csum = np.cumsum(l)
        out["participationRatio"] = float(total * total / np.sum(l * l))
        out["components90"] = int(np.searchsorted(csum, 0.9 * total - n * EPS * total)) + 1
        out["components99"] = int(np.searchsorted(csum, 0.99 * total - n * EPS * total)) + 1
    # the update linearised at the mean slope, and its effective timescales (N <= 400)
    if n <= SPECTRA_MAX_N:
        tau = np.asarray(run["tau"], dtype=np.float64)
        if run["form"] == "esn":
            lr = np.minimum(1.0, 1.0 / tau)
            J = w * (lr * slope)[:, None]
            J[np.diag_indices_from(J)] += 1.0 - lr
        else:
            a = np.exp(-1.0 / tau)
            J = w * (1.0 - a)[:, None] * slope[None, :]
            J[np.diag_indices_from(J)] += a
        mu = np.abs(np.linalg.eigvals(J))
        out["rho"] = float(mu.max())
        with np.errstate(divide="ignore"):
            out["effectiveTimescales"] = summary(-1.0 / np.log(mu[mu < 1]))
    # alignment: the fraction of each task's training variance the top-k components capture
    lam_desc = lam[::-1]
    Zd = ro["Z"][::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        contrib = np.where((lam_desc > ro["cut"])[:, None], Zd * Zd / np.where(lam_desc > 0, lam_desc, 1.0)[:, None], 0.0)
        captured = np.cumsum(contrib, axis=0) / np.where(ro["trainYy"] > 0, ro["trainYy"], np.nan)  # N x K
        reached = captured >= np.where(ro["r2"] > 0, ro["r2"] / 2, np.inf)
        out["kHalf"] = np.where(reached.any(axis=0), reached.argmax(axis=0) + 1, 0)
        ks = np.asarray([k for k in (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if k < n] + [n])
        fam = np.asarray(families)
        out["byFamily"] = {f: np.nanmean(captured[ks - 1][:, fam == f], axis=1) for f in np.unique(fam)}
    return out


# ---------------------------------------------------------------------------------------------


def run_preset(preset, with_mechanisms, max_runs):
    parts = dict.fromkeys(["network", "input", "targets", "simulate", "readout", "spectra", "mechanisms"], 0.0)
    r2_sum = cap_sum = 0.0
    count = 0
    runs = preset["runs"][:max_runs] if max_runs else preset["runs"]
    last = started = time.perf_counter()

    def lap(part):
        """the time since the last lap goes to `part`"""
        nonlocal last
        now = time.perf_counter()
        parts[part] += now - last
        last = now

    for run in runs:
        tasks = preset["taskLists"][run["tasks"]]
        T = run["steps"]
        D = len(run["channels"])

        w, u, b = build_network(run, D)
        lap("network")
        S = generate_input(run["channels"], T, run["seeds"]["input"])
        lap("input")
        Y = compute_targets(tasks, S, T)
        lap("targets")
        X = simulate(run, w, u, b, S, T)
        lap("simulate")
        ro = readout(X, Y, run, [tk["classification"] for tk in tasks])
        lap("readout")
        if run["n"] <= SPECTRA_MAX_N:
            spectra(w, run)
        lap("spectra")
        if with_mechanisms:
            mechanisms(X, w, run, ro, [tk["family"] for tk in tasks])
        lap("mechanisms")

        r2_sum += float(ro["r2"].sum())
        cap_sum += float(np.clip(ro["r2"], 0, 1).sum())
        count += ro["r2"].size
    seconds = time.perf_counter() - started
    return {
        "name": preset["name"],
        "runs": len(runs),
        "seconds": seconds,
        "parts": parts,
        "meanTestR2": r2_sum / count if count else None,
        "meanCapacity": cap_sum / count if count else None,
    }, r2_sum, count


def main():
    try:
        argv = sys.argv[1:]
        with_mechanisms = "--mechanisms" in argv
        max_runs = None
        if "--max-runs" in argv:
            max_runs = int(argv[argv.index("--max-runs") + 1])
            del argv[argv.index("--max-runs") : argv.index("--max-runs") + 2]
        files = [a for a in argv if not a.startswith("--")]
        if len(files) != 1:
            raise ValueError("usage: python3 bench/study_numpy.py <plan.json> [--mechanisms] [--max-runs N]")
        with open(files[0]) as fh:
            plan = json.load(fh)
        if plan.get("kind") != "quench.study-plan":
            raise ValueError(f"{files[0]} is not a study plan (bench/study-plan.ts)")
        presets = []
        r2_total = 0.0
        tasks_total = 0
        started = time.perf_counter()
        for preset in plan["presets"]:
            out, r2_sum, count = run_preset(preset, with_mechanisms, max_runs)
            presets.append(out)
            r2_total += r2_sum
            tasks_total += count
        result = {
            "ok": True,
            "numpy": np.__version__,
            "mechanisms": with_mechanisms,
            # the thread variables the caller set (none: BLAS as installed): on a busy machine they
            # change the figures many times over, so they travel with them
            "threadsEnv": {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ},
            "presets": presets,
            "totalSeconds": time.perf_counter() - started,
            "meanTestR2": r2_total / tasks_total if tasks_total else None,
        }
    except Exception as err:  # report in JSON so a TypeScript caller can print n/a and go on
        result = {"ok": False, "error": f"{type(err).__name__}: {err}"}
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
