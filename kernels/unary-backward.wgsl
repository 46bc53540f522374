// dx[i] = dy[i] * op'(x[i]) for the ops of unary.wgsl (same codes); y = op(x) serves sigmoid,
// tanh and exp. item() per element, strided over the line.

struct Params {
  n: u32,
  op: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

fn item(i: u32) {
  let v = x[i];
  let g = dy[i];
  var r: f32;
  switch p.op {
    case 0u: { r = select(0.0, g, v > 0.0); }
    case 1u: { r = select(p.alpha * g, g, v > 0.0); }
    case 2u: {
      // d/dv 0.5 v (1 + tanh(u)) = 0.5 (1 + t) + 0.5 v (1 - t^2) du/dv
      let t = tanh(clamp(0.7978845608028654 * (v + 0.044715 * v * v * v), -15.0, 15.0));
      let du = 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * v * v);
      r = g * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du);
    }
    case 3u: { r = g * y[i] * (1.0 - y[i]); }
    case 4u: { r = g * (1.0 - y[i] * y[i]); }
    case 5u: { r = g * y[i]; }
    case 6u: { r = g / v; }
    default: { r = -g; }
  }
  dx[i] = r;
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
