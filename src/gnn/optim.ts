// SPDX-License-Identifier: Apache-2.0
// Optimisers: Adam and AdamW (decoupled weight decay) with gradient clipping by global norm, and
// learning-rate schedules (linear warmup, then constant, step or cosine decay).
import { raise } from '../errors/index.js';
import { densify, isRowSparse, type Gradient } from './autograd.js';
import { Tensor } from './tensor.js';

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW: decay the weights directly instead of adding decay to the gradient. */
  decoupled?: boolean;
  /** Clip gradients so their global L2 norm is at most this (off when absent). */
  clipNorm?: number;
  /** Learning rate per step (1-based); overrides lr. */
  schedule?: (step: number) => number;
}

export class Adam {
  private step_ = 0;
  private readonly moments = new Map<Tensor, { m: Tensor; v: Tensor }>();
  private readonly o: Required<Omit<AdamOptions, 'clipNorm' | 'schedule'>> & AdamOptions;

  constructor(
    readonly params: readonly Tensor[],
    options: AdamOptions = {},
  ) {
    this.o = {
      lr: 1e-3,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      decoupled: false,
      ...options,
    };
    for (const p of params) {
      const b = p.backend;
      const m = new Tensor(b, b.zeros(p.size, 'float32'), p.shape).keep();
      const v = new Tensor(b, b.zeros(p.size, 'float32'), p.shape).keep();
      this.moments.set(p, { m, v });
    }
  }

  get step(): number {
    return this.step_;
  }

  /** Learning rate of the next step. */
  lr(step = this.step_ + 1): number {
    return this.o.schedule ? this.o.schedule(step) : this.o.lr;
  }

  /**
   * Applies one update from `grads` (backward's result), which it disposes. Returns the global
   * gradient norm before clipping; a NaN or infinite norm throws GNN_NAN and leaves the
   * parameters untouched.
   */
  async update(grads: Map<Tensor, Gradient>): Promise<number> {
    const dense = new Map<Tensor, Tensor>();
    for (const [p, g] of grads) {
      if (!this.moments.has(p))
        raise('GNN_NO_GRADIENT', {
          op: 'Adam.update',
          detail: `gradient for a tensor ${JSON.stringify(p.shape)} this optimiser does not own`,
        });
      // Not yet: lazy sparse Adam. A row-sparse gradient is densified here, so the update (and
      // the moments' decay) touches the whole table, as dense Adam does.
      const d = densify(g);
      if (isRowSparse(g)) {
        g.rows.dispose();
        g.values.dispose();
      }
      dense.set(p, d);
    }
    try {
      const norm = await globalNorm([...dense.values()]);
      if (!Number.isFinite(norm)) raise('GNN_NAN', { op: 'Adam.update', what: 'the gradient' });
      const factor =
        this.o.clipNorm !== undefined && norm > this.o.clipNorm
          ? this.o.clipNorm / (norm + 1e-6)
          : 1;
      this.step_++;
      const lr = this.lr(this.step_);
      for (const [p, g] of dense) {
        const b = p.backend;
        const { m, v } = this.moments.get(p)!;
        const grad = factor === 1 ? g.storage : b.scale(g.storage, factor);
        b.adamStep(p.storage, grad, m.storage, v.storage, {
          lr,
          beta1: this.o.beta1,
          beta2: this.o.beta2,
          eps: this.o.eps,
          weightDecay: this.o.weightDecay,
          decoupled: this.o.decoupled,
          step: this.step_,
        });
        if (grad !== g.storage) b.release(grad);
      }
      return norm;
    } finally {
      for (const g of dense.values()) g.dispose();
    }
  }

  /** Frees the moment buffers. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01). */
export function adamW(params: readonly Tensor[], options: AdamOptions = {}): Adam {
  return new Adam(params, { weightDecay: 0.01, ...options, decoupled: true });
}

/** L2 norm over all gradients (one download). */
export async function globalNorm(grads: readonly Tensor[]): Promise<number> {
  if (grads.length === 0) return 0;
  const b = grads[0]!.backend;
  let total = b.fill(1, 0);
  for (const g of grads) {
    const sq = b.sumSquares(g.storage);
    const next = b.binary('add', total, sq, 1, 1);
    b.release(sq);
    b.release(total);
    total = next;
  }
  try {
    return Math.sqrt((await b.download(total))[0]!);
  } finally {
    b.release(total);
  }
}

export interface ScheduleOptions {
  lr: number;
  /** Steps of linear warmup from 0 (default 0). */
  warmup?: number;
  /** 'cosine' decays to minLr over totalSteps; 'step' multiplies by gamma every stepSize steps. */
  decay?: 'constant' | 'cosine' | 'step';
  totalSteps?: number;
  minLr?: number;
  stepSize?: number;
  gamma?: number;
}

/** A learning-rate schedule: step (1-based) -> learning rate. */
export function lrSchedule(o: ScheduleOptions): (step: number) => number {
  const warmup = o.warmup ?? 0;
  return (step) => {
    if (step <= warmup) return (o.lr * step) / warmup;
    const t = step - warmup;
    switch (o.decay ?? 'constant') {
      case 'constant':
        return o.lr;
      case 'cosine': {
        const total = Math.max(1, (o.totalSteps ?? step) - warmup);
        const minLr = o.minLr ?? 0;
        return minLr + 0.5 * (o.lr - minLr) * (1 + Math.cos(Math.PI * Math.min(1, t / total)));
      }
      case 'step':
        return o.lr * (o.gamma ?? 0.1) ** Math.floor(t / (o.stepSize ?? 1000));
    }
  };
}
