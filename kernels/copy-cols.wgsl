// dst[r, dstOff + c] = src[r, srcOff + c] for c < width: one part of concatCols, or sliceCols.
// item() per copied element, strided over the line.

alias T = f32;

struct Params {
  rows: u32,
  width: u32,
  srcCols: u32,
  srcOff: u32,
  dstCols: u32,
  dstOff: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<T>;
@group(0) @binding(2) var<storage, read_write> dst: array<T>;

fn item(t: u32) {
  let r = t / p.width;
  let c = t % p.width;
  dst[r * p.dstCols + p.dstOff + c] = src[r * p.srcCols + p.srcOff + c];
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  for (var t = threadLine(wid, nwg, lid, 256u); t < p.rows * p.width; t += lineStride(nwg, 256u)) {
    item(t);
  }
}
