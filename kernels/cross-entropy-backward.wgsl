// dlogits[row, c] = (softmax(logits[row])[c] - [c == labels[row]]) * dloss[row].
// item() per row, strided over the line.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> dloss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;

fn item(row: u32) {
  let base = row * p.cols;
  var top = logits[base];
  for (var c = 1u; c < p.cols; c++) {
    top = max(top, logits[base + c]);
  }
  var total = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    total += exp(logits[base + c] - top);
  }
  let label = u32(labels[row]);
  let g = dloss[row];
  for (var c = 0u; c < p.cols; c++) {
    let prob = exp(logits[base + c] - top) / total;
    dlogits[base + c] = (prob - select(0.0, 1.0, c == label)) * g;
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
