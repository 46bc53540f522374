// Gradient of loss.wgsl with respect to pred, times dloss: bceLogits
// sigmoid(x) * (param * t + 1 - t) - param * t; mse 2 d; l1 sign(d); huber clamp(d, -delta, delta).
// item() per element, strided over the line.

struct Params {
  n: u32,
  kind: u32,
  param: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> truth: array<f32>;
@group(0) @binding(3) var<storage, read> dloss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dpred: array<f32>;

fn sigmoid(v: f32) -> f32 {
  if (v >= 0.0) {
    return 1.0 / (1.0 + exp(-v));
  }
  let e = exp(v);
  return e / (1.0 + e);
}

fn item(i: u32) {
  let x = pred[i];
  let t = truth[i];
  let d = x - t;
  var g: f32;
  switch p.kind {
    case 0u: { g = sigmoid(x) * (p.param * t + 1.0 - t) - p.param * t; }
    case 1u: { g = 2.0 * d; }
    case 2u: { g = sign(d); }
    default: { g = clamp(d, -p.param, p.param); }
  }
  dpred[i] = g * dloss[i];
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
