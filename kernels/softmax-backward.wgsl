// Gradient of softmax.wgsl from its output y: softmax dx = y * (dy - sum(dy * y));
// log-softmax dx = dy - exp(y) * sum(dy). One invocation per row.

struct Params {
  rows: u32,
  cols: u32,
  log: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

fn item(row: u32) {
  let base = row * p.cols;
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    s += select(dy[base + c] * y[base + c], dy[base + c], p.log == 1u);
  }
  for (var c = 0u; c < p.cols; c++) {
    let i = base + c;
    dx[i] = select(y[i] * (dy[i] - s), dy[i] - exp(y[i]) * s, p.log == 1u);
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
