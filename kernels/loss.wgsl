// Element losses, not reduced: bceLogits 0 (pos_weight = param:
// param * t * softplus(-x) + (1 - t) * softplus(x)), mse 1 ((x - t)^2), l1 2 (|x - t|),
// huber 3 (delta = param: 0.5 d^2 when |d| <= delta, else delta * (|d| - delta / 2)).
// item() per element, strided over the line.

struct Params {
  n: u32,
  kind: u32,
  param: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> truth: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// log(1 + exp(v)) without overflow.
fn softplus(v: f32) -> f32 {
  return max(v, 0.0) + log(1.0 + exp(-abs(v)));
}

fn item(i: u32) {
  let x = pred[i];
  let t = truth[i];
  let d = x - t;
  var r: f32;
  switch p.kind {
    case 0u: { r = p.param * t * softplus(-x) + (1.0 - t) * softplus(x); }
    case 1u: { r = d * d; }
    case 2u: { r = abs(d); }
    default: {
      r = select(p.param * (abs(d) - 0.5 * p.param), 0.5 * d * d, abs(d) <= p.param);
    }
  }
  out[i] = r;
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
