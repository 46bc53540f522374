// In-place Adam / AdamW step. With g = grad (+ weightDecay * param unless decoupled),
// m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2 and the host's bias corrections
// bc1 = 1 - beta1^step, bc2 = 1 - beta2^step:
// param -= lr * (m / bc1 / (sqrt(v / bc2) + eps) + [decoupled] weightDecay * param).
// item() per element, strided over the line.

struct Params {
  n: u32,
  decoupled: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  bc1: f32,
  bc2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

fn item(i: u32) {
  let w = param[i];
  var g = grad[i];
  if (p.decoupled == 0u) {
    g += p.weightDecay * w;
  }
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  var step = (mi / p.bc1) / (sqrt(vi / p.bc2) + p.eps);
  if (p.decoupled == 1u) {
    step += p.weightDecay * w;
  }
  param[i] = w - p.lr * step;
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  for (var i = threadLine(wid, nwg, lid, 256u); i < p.n; i += lineStride(nwg, 256u)) {
    item(i);
  }
}
