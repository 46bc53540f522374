// y[g, c] = sum / mean / max (op 0 / 1 / 2) of x[col[e], c] over e in [rowptr[g], rowptr[g+1]);
// without col (hasCol 0) the rows are e themselves. Empty groups give 0 (argmax -1). For max,
// argmax[g, c] is the CSR position e of the first maximum. item() per (group, 4 columns),
// strided over the line, reads its group's edges in order, so results are deterministic.

struct Params {
  numGroups: u32,
  cols: u32,
  op: u32,
  hasCol: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> rowptr: array<i32>;
@group(0) @binding(3) var<storage, read> col: array<i32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> argmax: array<i32>;

// Column c of row `row`, or 0 past the last column.
fn load(row: u32, c: u32) -> f32 {
  if (c < p.cols) {
    return x[row * p.cols + c];
  }
  return 0.0;
}

// Group g, columns c0 .. c0 + 3: each edge's col entry is read once for four columns.
fn item(t: u32) {
  let chunks = (p.cols + 3u) / 4u;
  let g = t / chunks;
  let c0 = (t % chunks) * 4u;
  let start = u32(rowptr[g]);
  let end = u32(rowptr[g + 1u]);

  var acc = vec4f();
  var best = vec4i(-1);
  for (var e = start; e < end; e++) {
    var row = e;
    if (p.hasCol == 1u) {
      row = u32(col[e]);
    }
    let v = vec4f(load(row, c0), load(row, c0 + 1u), load(row, c0 + 2u), load(row, c0 + 3u));
    if (p.op == 2u) {
      let better = (best < vec4i(0)) | (v > acc);
      acc = select(acc, v, better);
      best = select(best, vec4i(i32(e)), better);
    } else {
      acc += v;
    }
  }
  if (p.op == 1u && end > start) {
    acc /= f32(end - start);
  }
  for (var j = 0u; j < 4u && c0 + j < p.cols; j++) {
    y[g * p.cols + c0 + j] = acc[j];
    if (p.op == 2u) {
      argmax[g * p.cols + c0 + j] = best[j];
    }
  }
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let count = p.numGroups * ((p.cols + 3u) / 4u);
  for (var t = threadLine(wid, nwg, lid, 256u); t < count; t += lineStride(nwg, 256u)) {
    item(t);
  }
}
