// Input gradient of layer-norm.wgsl for each row: with xhat = (x - mean) * rstd and
// g = dy * gamma, dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
// One 64-wide workgroup per row; dispatch rows in a line.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

const WG: u32 = 64u;

var<workgroup> partial: array<f32, 64>;

fn workgroupSum(v: f32, lane: u32) -> f32 {
  partial[lane] = v;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width /= 2u) {
    if (lane < width) {
      partial[lane] += partial[lane + width];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(64)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let row = groupLine(wid, nwg);
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  let mu = mean[row];
  let r = rstd[row];

  var sg = 0.0;
  var sgx = 0.0;
  for (var c = lid.x; c < p.cols; c += WG) {
    let g = dy[base + c] * gamma[c];
    sg += g;
    sgx += g * (x[base + c] - mu) * r;
  }
  let meanG = workgroupSum(sg, lid.x) / f32(p.cols);
  let meanGX = workgroupSum(sgx, lid.x) / f32(p.cols);

  for (var c = lid.x; c < p.cols; c += WG) {
    let xhat = (x[base + c] - mu) * r;
    dx[base + c] = r * (dy[base + c] * gamma[c] - meanG - xhat * meanGX);
  }
}
