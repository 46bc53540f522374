// dx[r, c] for segment-reduce.wgsl, and scatterAddRows (op sum, one edge per index entry).
// Deterministic by construction, with no float atomics: a gather rather than a scatter, so no
// two invocations write one element and each sums its terms in edge order. Entries e in
// [tRowptr[r], tRowptr[r+1]) list, in edge order, the groups tGroup[e] whose edges read row r
// (the transposed CSR, built on the host by a counting sort), and tEdge[e] the CSR position of
// that edge. sum: dx = sum dy[g, c]; mean: sum dy[g, c] / |g|; max: dy[g, c] where argmax[g, c]
// is that edge's position. item() per (row, 4 columns), strided over the line.

struct Params {
  xRows: u32,
  cols: u32,
  op: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> rowptr: array<i32>;
@group(0) @binding(3) var<storage, read> tRowptr: array<i32>;
@group(0) @binding(4) var<storage, read> tGroup: array<i32>;
@group(0) @binding(5) var<storage, read> tEdge: array<i32>;
@group(0) @binding(6) var<storage, read> argmax: array<i32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;

// dy[g, c], or 0 past the last column.
fn gradAt(g: u32, c: u32) -> f32 {
  if (c < p.cols) {
    return dy[g * p.cols + c];
  }
  return 0.0;
}

// Whether edge `edge` won the max of group g in column c.
fn won(g: u32, c: u32, edge: i32) -> bool {
  return c < p.cols && argmax[g * p.cols + c] == edge;
}

// Row r, columns c0 .. c0 + 3: each transposed entry is read once for four columns.
fn item(t: u32) {
  let chunks = (p.cols + 3u) / 4u;
  let r = t / chunks;
  let c0 = (t % chunks) * 4u;
  let start = u32(tRowptr[r]);
  let end = u32(tRowptr[r + 1u]);

  var acc = vec4f();
  for (var e = start; e < end; e++) {
    let g = u32(tGroup[e]);
    let grad = vec4f(gradAt(g, c0), gradAt(g, c0 + 1u), gradAt(g, c0 + 2u), gradAt(g, c0 + 3u));
    if (p.op == 0u) {
      acc += grad;
    } else if (p.op == 1u) {
      acc += grad / f32(rowptr[g + 1u] - rowptr[g]);
    } else {
      let edge = tEdge[e];
      let hit = vec4<bool>(
        won(g, c0, edge),
        won(g, c0 + 1u, edge),
        won(g, c0 + 2u, edge),
        won(g, c0 + 3u, edge),
      );
      acc += select(vec4f(), grad, hit);
    }
  }
  for (var j = 0u; j < 4u && c0 + j < p.cols; j++) {
    dx[r * p.cols + c0 + j] = acc[j];
  }
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let count = p.xRows * ((p.cols + 3u) / 4u);
  for (var t = threadLine(wid, nwg, lid, 256u); t < count; t += lineStride(nwg, 256u)) {
    item(t);
  }
}
