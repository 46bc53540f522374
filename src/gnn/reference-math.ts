// SPDX-License-Identifier: Apache-2.0
// Scalar math of the reference backend in float64: activations, their derivatives, and the
// element losses with their derivatives. The formulas every backend must match.
import type { LossKind, UnaryOp } from './backend.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function unaryValue(op: UnaryOp, x: number, alpha: number): number {
  switch (op) {
    case 'relu':
      return x > 0 ? x : 0;
    case 'leakyRelu':
      return x > 0 ? x : alpha * x;
    case 'gelu':
      return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'neg':
      return -x;
  }
}

export function unaryDerivative(op: UnaryOp, x: number, y: number, alpha: number): number {
  switch (op) {
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'leakyRelu':
      return x > 0 ? 1 : alpha;
    case 'gelu': {
      const u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
      const t = Math.tanh(u);
      const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
    }
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    case 'exp':
      return y;
    case 'log':
      return 1 / x;
    case 'neg':
      return -1;
  }
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

export function lossValue(kind: LossKind, p: number, t: number, param: number): number {
  switch (kind) {
    case 'bceLogits':
      return param * t * softplus(-p) + (1 - t) * softplus(p);
    case 'mse':
      return (p - t) * (p - t);
    case 'l1':
      return Math.abs(p - t);
    case 'huber': {
      const d = Math.abs(p - t);
      return d <= param ? 0.5 * d * d : param * (d - 0.5 * param);
    }
  }
}

export function lossDerivative(kind: LossKind, p: number, t: number, param: number): number {
  switch (kind) {
    case 'bceLogits': {
      const s = 1 / (1 + Math.exp(-p));
      return param * t * (s - 1) + (1 - t) * s;
    }
    case 'mse':
      return 2 * (p - t);
    case 'l1':
      return Math.sign(p - t);
    case 'huber': {
      const d = p - t;
      return Math.abs(d) <= param ? d : param * Math.sign(d);
    }
  }
}
