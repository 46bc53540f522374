// out[i, c] = x[index[i], c]. Indices are range-checked on the host before the dispatch; an
// index outside [0, xRows) still reads nothing here and yields 0. One invocation per element.

alias T = f32;

struct Params {
  outRows: u32,
  cols: u32,
  xRows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<T>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<T>;

fn item(t: u32) {
  let i = t / p.cols;
  let c = t % p.cols;
  let src = index[i];
  var v: T;
  if (src >= 0 && u32(src) < p.xRows) {
    v = x[u32(src) * p.cols + c];
  }
  out[t] = v;
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let count = p.outRows * p.cols;
  for (var t = threadLine(wid, nwg, lid, 256u); t < count; t += lineStride(nwg, 256u)) {
    item(t);
  }
}
