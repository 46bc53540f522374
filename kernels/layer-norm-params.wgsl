// Parameter gradients of layer-norm.wgsl, first stage: over each chunk of CHUNK rows,
// dgamma[chunk, c] = sum dy * xhat and dbeta[chunk, c] = sum dy. The host finishes both with
// sum-rows.wgsl (fixed order, deterministic). One invocation per (chunk, column).

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> rstd: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbeta: array<f32>;

const CHUNK: u32 = 256u;

fn item(t: u32) {
  let chunk = t / p.cols;
  let c = t % p.cols;
  var sgx = 0.0;
  var sg = 0.0;
  for (var r = chunk * CHUNK; r < min(p.rows, (chunk + 1u) * CHUNK); r++) {
    let g = dy[r * p.cols + c];
    sg += g;
    sgx += g * (x[r * p.cols + c] - mean[r]) * rstd[r];
  }
  dgamma[t] = sgx;
  dbeta[t] = sg;
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let count = ((p.rows + CHUNK - 1u) / CHUNK) * p.cols;
  for (var t = threadLine(wid, nwg, lid, 256u); t < count; t += lineStride(nwg, 256u)) {
    item(t);
  }
}
