/**
 * The decision transformer's numerics, self-contained on purpose: `trainDecisionTransformer` ships
 * this function's source to a worker thread (`new Worker(code, { eval: true })`), so it must not
 * reference any import or outer variable. Plain Float64Arrays, manual backpropagation, Adam.
 */

/** One step of a stored trajectory. */
export interface TrajectoryStep {
  /** State features (fixed length across the data set). */
  features: number[];
  /** Strategy index chosen. */
  action: number;
  /** Reward, 0..1. */
  reward: number;
}

/** Hyper-parameters (every field has a default in `trainDecisionTransformer`). */
export interface DecisionTransformerConfig {
  features: number;
  actions: number;
  /** Model width. */
  dModel: number;
  /** Hidden width of the feed-forward block. */
  dHidden: number;
  /** Tokens of context (one token per step). */
  context: number;
  /**
   * Steps whose mean reward is the return-to-go of a step (the step itself and the next ones).
   * Default 1: a QE task is its own episode (tasks are independent), so a longer horizon mixes in
   * rewards of unrelated later tasks (measured: many-types NS 0.31 with 1 against 0.16 with 4).
   */
  returnHorizon: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Share of each trajectory's end held out for accuracy. */
  heldOut: number;
}

/** What training returns (plain data, so it crosses the worker boundary). */
export interface DecisionTransformerTrained {
  config: DecisionTransformerConfig;
  weights: Record<string, number[]>;
  /** Mean training cross-entropy per epoch. */
  lossByEpoch: number[];
  heldOutLoss: number;
  /** Share of held-out steps whose logged action is the model's argmax. */
  heldOutAccuracy: number;
  /** The same share for always predicting the most frequent training action. */
  majorityAccuracy: number;
  trainSteps: number;
  heldOutSteps: number;
  returnQuantiles: { p50: number; p90: number; max: number };
}

/**
 * Builds the model functions. Token t's input is [features_t, return-to-go_t, one-hot(action_{t-1})]:
 * one token per step (the original DT interleaves three; folding them keeps the sequence short),
 * linearly embedded plus a learned position embedding; one pre-activation-free block of causal
 * single-head self-attention and a ReLU feed-forward layer, each with a residual connection; a
 * linear head gives the logits of action_t. Trained by cross-entropy on the logged actions, so
 * conditioning on a high return-to-go asks for the actions that preceded high returns.
 */
export function decisionTransformerCore() {
  type Cfg = DecisionTransformerConfig;
  const shapes = (c: Cfg): Record<string, [number, number]> => {
    const input = c.features + 1 + c.actions;
    return {
      win: [c.dModel, input],
      bin: [c.dModel, 1],
      pos: [c.context, c.dModel],
      wq: [c.dModel, c.dModel],
      wk: [c.dModel, c.dModel],
      wv: [c.dModel, c.dModel],
      wo: [c.dModel, c.dModel],
      w1: [c.dHidden, c.dModel],
      b1: [c.dHidden, 1],
      w2: [c.dModel, c.dHidden],
      b2: [c.dModel, 1],
      wout: [c.actions, c.dModel],
      bout: [c.actions, 1],
    };
  };
  const rng = (seed: number) => {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const init = (c: Cfg): Record<string, Float64Array> => {
    const random = rng(c.seed);
    const params: Record<string, Float64Array> = {};
    for (const [name, [rows, cols]] of Object.entries(shapes(c))) {
      const p = new Float64Array(rows * cols);
      if (!name.startsWith('b')) {
        const scale = name === 'pos' ? 0.02 : Math.sqrt(2 / (cols + rows));
        for (let i = 0; i < p.length; i++) p[i] = (random() * 2 - 1) * scale * Math.sqrt(3);
      }
      params[name] = p;
    }
    return params;
  };
  /** y = W x (+ b), W rows × cols row-major. */
  const matvec = (w: Float64Array, rows: number, cols: number, x: ArrayLike<number>, b?: Float64Array): Float64Array => {
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = b === undefined ? 0 : b[r]!;
      const base = r * cols;
      for (let c = 0; c < cols; c++) s += w[base + c]! * x[c]!;
      y[r] = s;
    }
    return y;
  };
  /** dW += dy ⊗ x, dx += Wᵀ dy. */
  const backMatvec = (w: Float64Array, dw: Float64Array, rows: number, cols: number, x: ArrayLike<number>, dy: ArrayLike<number>, dx?: Float64Array): void => {
    for (let r = 0; r < rows; r++) {
      const g = dy[r]!;
      if (g === 0) continue;
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        dw[base + c]! += g * x[c]!;
        if (dx !== undefined) dx[c]! += w[base + c]! * g;
      }
    }
  };
  /** Token inputs of a window of steps; rtg[i] is the return-to-go to condition step i on. */
  const inputs = (c: Cfg, steps: readonly TrajectoryStep[], rtg: readonly number[], previousAction: number): Float64Array[] =>
    steps.map((s, i) => {
      const u = new Float64Array(c.features + 1 + c.actions);
      for (let f = 0; f < c.features; f++) u[f] = s.features[f] ?? 0;
      u[c.features] = rtg[i]!;
      const prev = i === 0 ? previousAction : steps[i - 1]!.action;
      if (prev >= 0) u[c.features + 1 + prev] = 1;
      return u;
    });

  /** Forward pass over a window; returns logits per token and what backprop needs. */
  const forward = (c: Cfg, p: Record<string, Float64Array>, u: Float64Array[]) => {
    const d = c.dModel;
    const n = u.length;
    const x = u.map((ui, t) => {
      const e = matvec(p.win!, d, ui.length, ui, p.bin!);
      for (let j = 0; j < d; j++) e[j]! += p.pos![t * d + j]!;
      return e;
    });
    const q = x.map((xi) => matvec(p.wq!, d, d, xi));
    const k = x.map((xi) => matvec(p.wk!, d, d, xi));
    const v = x.map((xi) => matvec(p.wv!, d, d, xi));
    const scale = 1 / Math.sqrt(d);
    const attn: Float64Array[] = [];
    const h: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const a = new Float64Array(i + 1);
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let m = 0; m < d; m++) s += q[i]![m]! * k[j]![m]!;
        a[j] = s * scale;
        if (a[j]! > max) max = a[j]!;
      }
      let sum = 0;
      for (let j = 0; j <= i; j++) sum += a[j] = Math.exp(a[j]! - max);
      const hi = new Float64Array(d);
      for (let j = 0; j <= i; j++) {
        a[j]! /= sum;
        for (let m = 0; m < d; m++) hi[m]! += a[j]! * v[j]![m]!;
      }
      attn.push(a);
      h.push(hi);
    }
    const y = x.map((xi, i) => {
      const o = matvec(p.wo!, d, d, h[i]!);
      for (let m = 0; m < d; m++) o[m]! += xi[m]!;
      return o;
    });
    const zPre = y.map((yi) => matvec(p.w1!, c.dHidden, d, yi, p.b1!));
    const z = zPre.map((zi) => zi.map((s) => (s > 0 ? s : 0)));
    const out = y.map((yi, i) => {
      const o = matvec(p.w2!, d, c.dHidden, z[i]!, p.b2!);
      for (let m = 0; m < d; m++) o[m]! += yi[m]!;
      return o;
    });
    const logits = out.map((oi) => matvec(p.wout!, c.actions, d, oi, p.bout!));
    return { u, x, q, k, v, attn, h, y, zPre, z, out, logits };
  };

  const softmaxOf = (logits: Float64Array): Float64Array => {
    let max = Number.NEGATIVE_INFINITY;
    for (const l of logits) if (l > max) max = l;
    const e = logits.map((l) => Math.exp(l - max));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };

  /** Adds the gradients of the summed cross-entropy of the tokens whose target is >= 0 to `g`; returns the loss. */
  const backward = (c: Cfg, p: Record<string, Float64Array>, g: Record<string, Float64Array>, f: ReturnType<typeof forward>, targets: readonly number[]): number => {
    const d = c.dModel;
    const n = f.u.length;
    let loss = 0;
    const dOut = f.out.map(() => new Float64Array(d));
    for (let i = 0; i < n; i++) {
      if (targets[i]! < 0) continue;
      const prob = softmaxOf(f.logits[i]!);
      loss -= Math.log(Math.max(prob[targets[i]!]!, 1e-12));
      prob[targets[i]!]! -= 1;
      backMatvec(p.wout!, g.wout!, c.actions, d, f.out[i]!, prob, dOut[i]);
      for (let a = 0; a < c.actions; a++) g.bout![a]! += prob[a]!;
    }
    const dY = dOut.map((x) => Float64Array.from(x));
    for (let i = 0; i < n; i++) {
      const dz = new Float64Array(c.dHidden);
      backMatvec(p.w2!, g.w2!, d, c.dHidden, f.z[i]!, dOut[i]!, dz);
      for (let m = 0; m < d; m++) g.b2![m]! += dOut[i]![m]!;
      for (let r = 0; r < c.dHidden; r++) if (f.zPre[i]![r]! <= 0) dz[r] = 0;
      backMatvec(p.w1!, g.w1!, c.dHidden, d, f.y[i]!, dz, dY[i]);
      for (let r = 0; r < c.dHidden; r++) g.b1![r]! += dz[r]!;
    }
    const dX = dY.map((x) => Float64Array.from(x));
    const dH = f.h.map(() => new Float64Array(d));
    for (let i = 0; i < n; i++) backMatvec(p.wo!, g.wo!, d, d, f.h[i]!, dY[i]!, dH[i]);
    const dQ = f.q.map(() => new Float64Array(d));
    const dK = f.k.map(() => new Float64Array(d));
    const dV = f.v.map(() => new Float64Array(d));
    const scale = 1 / Math.sqrt(d);
    for (let i = 0; i < n; i++) {
      const a = f.attn[i]!;
      const dA = new Float64Array(i + 1);
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let m = 0; m < d; m++) {
          s += dH[i]![m]! * f.v[j]![m]!;
          dV[j]![m]! += a[j]! * dH[i]![m]!;
        }
        dA[j] = s;
      }
      let dot = 0;
      for (let j = 0; j <= i; j++) dot += a[j]! * dA[j]!;
      for (let j = 0; j <= i; j++) {
        const dS = a[j]! * (dA[j]! - dot) * scale;
        for (let m = 0; m < d; m++) {
          dQ[i]![m]! += dS * f.k[j]![m]!;
          dK[j]![m]! += dS * f.q[i]![m]!;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      backMatvec(p.wq!, g.wq!, d, d, f.x[i]!, dQ[i]!, dX[i]);
      backMatvec(p.wk!, g.wk!, d, d, f.x[i]!, dK[i]!, dX[i]);
      backMatvec(p.wv!, g.wv!, d, d, f.x[i]!, dV[i]!, dX[i]);
      backMatvec(p.win!, g.win!, d, f.u[i]!.length, f.u[i]!, dX[i]!);
      for (let m = 0; m < d; m++) {
        g.bin![m]! += dX[i]![m]!;
        g.pos![i * d + m]! += dX[i]![m]!;
      }
    }
    return loss;
  };

  /** Return-to-go of each step: mean reward of it and the next `horizon - 1` steps of its trajectory. */
  const returnsToGo = (steps: readonly TrajectoryStep[], horizon: number): number[] =>
    steps.map((_, t) => {
      const end = Math.min(steps.length, t + horizon);
      let s = 0;
      for (let i = t; i < end; i++) s += steps[i]!.reward;
      return s / (end - t);
    });

  interface Window {
    steps: TrajectoryStep[];
    rtg: number[];
    previousAction: number;
  }

  const windows = (trajectory: readonly TrajectoryStep[], rtg: readonly number[], from: number, to: number, context: number): Window[] => {
    const out: Window[] = [];
    for (let end = from + 1; end <= to; end++) {
      const start = Math.max(from, end - context);
      out.push({ steps: trajectory.slice(start, end), rtg: rtg.slice(start, end), previousAction: start > 0 ? trajectory[start - 1]!.action : -1 });
    }
    return out;
  };

  /** Trains on trajectories; the last `heldOut` share of each is kept out for evaluation. */
  const train = (c: Cfg, trajectories: readonly TrajectoryStep[][]): DecisionTransformerTrained => {
    const p = init(c);
    const m: Record<string, Float64Array> = {};
    const s2: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(p)) {
      m[k] = new Float64Array(v.length);
      s2[k] = new Float64Array(v.length);
    }
    const trainWindows: Window[] = [];
    const testWindows: Window[] = [];
    const allRtg: number[] = [];
    const counts = new Array<number>(c.actions).fill(0);
    for (const trajectory of trajectories) {
      const rtg = returnsToGo(trajectory, c.returnHorizon);
      const cut = Math.floor(trajectory.length * (1 - c.heldOut));
      trainWindows.push(...windows(trajectory, rtg, 0, cut, c.context));
      testWindows.push(...windows(trajectory, rtg, cut, trajectory.length, c.context));
      for (let i = 0; i < cut; i++) {
        allRtg.push(rtg[i]!);
        counts[trajectory[i]!.action]! += 1;
      }
    }
    const random = rng(c.seed ^ 0x9e3779b9);
    const lossByEpoch: number[] = [];
    let t = 0;
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      // Fisher-Yates on the window order, seeded.
      for (let i = trainWindows.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [trainWindows[i], trainWindows[j]] = [trainWindows[j]!, trainWindows[i]!];
      }
      let epochLoss = 0;
      for (let b = 0; b < trainWindows.length; b += c.batchSize) {
        const batch = trainWindows.slice(b, b + c.batchSize);
        const g: Record<string, Float64Array> = {};
        for (const [k, v] of Object.entries(p)) g[k] = new Float64Array(v.length);
        let batchLoss = 0;
        for (const w of batch) {
          // Only the last token of a window is a fresh target; earlier ones were targets of earlier windows.
          const f = forward(c, p, inputs(c, w.steps, w.rtg, w.previousAction));
          const last = w.steps.length - 1;
          batchLoss += backward(c, p, g, f, w.steps.map((s, i) => (i === last ? s.action : -1)));
        }
        epochLoss += batchLoss;
        t++;
        const lr = c.learningRate;
        for (const k of Object.keys(p)) {
          const pk = p[k]!;
          const gk = g[k]!;
          const mk = m[k]!;
          const vk = s2[k]!;
          for (let i = 0; i < pk.length; i++) {
            const gi = gk[i]! / batch.length;
            mk[i] = 0.9 * mk[i]! + 0.1 * gi;
            vk[i] = 0.999 * vk[i]! + 0.001 * gi * gi;
            pk[i]! -= (lr * (mk[i]! / (1 - 0.9 ** t))) / (Math.sqrt(vk[i]! / (1 - 0.999 ** t)) + 1e-8);
          }
        }
      }
      lossByEpoch.push(epochLoss / Math.max(1, trainWindows.length));
    }
    let heldOutLoss = 0;
    let correct = 0;
    const majority = counts.indexOf(Math.max(...counts));
    let majorityCorrect = 0;
    for (const w of testWindows) {
      const f = forward(c, p, inputs(c, w.steps, w.rtg, w.previousAction));
      const last = w.steps.length - 1;
      const prob = softmaxOf(f.logits[last]!);
      const target = w.steps[last]!.action;
      heldOutLoss -= Math.log(Math.max(prob[target]!, 1e-12));
      let best = 0;
      for (let a = 1; a < c.actions; a++) if (prob[a]! > prob[best]!) best = a;
      if (best === target) correct++;
      if (majority === target) majorityCorrect++;
    }
    const sorted = [...allRtg].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const weights: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(p)) weights[k] = Array.from(v);
    return {
      config: c,
      weights,
      lossByEpoch,
      heldOutLoss: heldOutLoss / Math.max(1, testWindows.length),
      heldOutAccuracy: correct / Math.max(1, testWindows.length),
      majorityAccuracy: majorityCorrect / Math.max(1, testWindows.length),
      trainSteps: trainWindows.length,
      heldOutSteps: testWindows.length,
      returnQuantiles: { p50: at(0.5), p90: at(0.9), max: sorted.at(-1) ?? 0 },
    };
  };

  /** Trained weights as the arrays `predict` reads. */
  const load = (weights: Record<string, number[]>): Record<string, Float64Array> => {
    const p: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(weights)) p[k] = Float64Array.from(v);
    return p;
  };

  /** Action probabilities for the last step of `steps`, conditioned on `target` return. */
  const predict = (c: Cfg, p: Record<string, Float64Array>, steps: readonly TrajectoryStep[], target: number): number[] => {
    const window = steps.slice(-c.context);
    const rtg = window.map(() => target);
    const previousAction = steps.length > window.length ? steps[steps.length - window.length - 1]!.action : -1;
    const f = forward(c, p, inputs(c, window, rtg, previousAction));
    return Array.from(softmaxOf(f.logits[window.length - 1]!));
  };

  return { train, predict, load, forward, backward, init, inputs, returnsToGo };
}
