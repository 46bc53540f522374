// out[chunk, c] = sum of a[r, c] over the rows r of chunk (CHUNK consecutive rows). The host
// repeats it on its own output until one row is left, so every sum runs in a fixed order and
// results are deterministic. item() per (chunk, column), strided.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const CHUNK: u32 = 256u;

fn item(t: u32) {
  let chunk = t / p.cols;
  let c = t % p.cols;
  let end = min(p.rows, (chunk + 1u) * CHUNK);
  var acc = 0.0;
  for (var r = chunk * CHUNK; r < end; r++) {
    acc += a[r * p.cols + c];
  }
  out[t] = acc;
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
