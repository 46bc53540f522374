// Row-wise softmax (log 0) or log-softmax (log 1) of x [rows, cols], shifted by the row max.
// item() per row (class counts are small, so a row fits one invocation's loop), strided over
// the line.

struct Params {
  rows: u32,
  cols: u32,
  log: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn item(row: u32) {
  let base = row * p.cols;
  var top = x[base];
  for (var c = 1u; c < p.cols; c++) {
    top = max(top, x[base + c]);
  }
  var total = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    total += exp(x[base + c] - top);
  }
  let logTotal = log(total);
  for (var c = 0u; c < p.cols; c++) {
    let shifted = x[base + c] - top;
    y[base + c] = select(exp(shifted) / total, shifted - logTotal, p.log == 1u);
  }
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  for (var row = threadLine(wid, nwg, lid, 256u); row < p.rows; row += lineStride(nwg, 256u)) {
    item(row);
  }
}
