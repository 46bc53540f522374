// y[i] = op(x[i]) for op in relu 0, leakyRelu 1 (slope alpha), gelu 2 (tanh approximation),
// sigmoid 3, tanh 4, exp 5, log 6, neg 7. item() per element, strided over the line.

struct Params {
  n: u32,
  op: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

// sqrt(2 / pi) (v + 0.044715 v^3), the argument of tanh in the gelu approximation.
fn geluInner(v: f32) -> f32 {
  return 0.7978845608028654 * (v + 0.044715 * v * v * v);
}

fn sigmoid(v: f32) -> f32 {
  if (v >= 0.0) {
    return 1.0 / (1.0 + exp(-v));
  }
  let e = exp(v);
  return e / (1.0 + e);
}

fn item(i: u32) {
  let v = x[i];
  var r: f32;
  switch p.op {
    case 0u: { r = max(v, 0.0); }
    case 1u: { r = select(p.alpha * v, v, v > 0.0); }
    case 2u: { r = 0.5 * v * (1.0 + tanh(clamp(geluInner(v), -15.0, 15.0))); }
    case 3u: { r = sigmoid(v); }
    // Clamped: tanh(15) is 1 in f32, and some drivers overflow exp for large |v|.
    case 4u: { r = tanh(clamp(v, -15.0, 15.0)); }
    case 5u: { r = exp(v); }
    case 6u: { r = log(v); }
    default: { r = -v; }
  }
  y[i] = r;
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
