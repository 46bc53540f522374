// Layer norm over each row of x [rows, cols]: y = (x - mean) * rstd * gamma + beta, with
// rstd = 1 / sqrt(var + eps) (biased variance, two passes for stability); also writes mean and
// rstd per row for the backward pass. One 64-wide workgroup per row; dispatch rows in a line.

struct Params {
  rows: u32,
  cols: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;

const WG: u32 = 64u;

var<workgroup> partial: array<f32, 64>;

// Sum of every invocation's `v` in the workgroup, seen by all of them.
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

  var s = 0.0;
  for (var c = lid.x; c < p.cols; c += WG) {
    s += x[base + c];
  }
  let mu = workgroupSum(s, lid.x) / f32(p.cols);

  var q = 0.0;
  for (var c = lid.x; c < p.cols; c += WG) {
    let d = x[base + c] - mu;
    q += d * d;
  }
  let r = inverseSqrt(workgroupSum(q, lid.x) / f32(p.cols) + p.eps);

  for (var c = lid.x; c < p.cols; c += WG) {
    y[base + c] = (x[base + c] - mu) * r * gamma[c] + beta[c];
  }
  if (lid.x == 0u) {
    mean[row] = mu;
    rstd[row] = r;
  }
}
