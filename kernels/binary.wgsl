// out[i] = a[i] op b[j] for op in add 0, sub 1, mul 2, div 3, where j = i (bMode 0), the column
// i % cols of a row vector broadcast over rows (bMode 1) or 0 for a scalar (bMode 2).
// item() per element, strided over the line.

struct Params {
  n: u32,
  cols: u32,
  op: u32,
  bMode: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn item(i: u32) {
  var j = i;
  if (p.bMode == 1u) {
    j = i % p.cols;
  } else if (p.bMode == 2u) {
    j = 0u;
  }
  let u = a[i];
  let v = b[j];
  var r: f32;
  switch p.op {
    case 0u: { r = u + v; }
    case 1u: { r = u - v; }
    case 2u: { r = u * v; }
    default: { r = u / v; }
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
