// c[m, n] = op(a) @ op(b), where op transposes when transA / transB is 1 (a stored [k, m],
// b stored [n, k]). Each 16x16 workgroup computes a 64x64 tile of c; 16-deep slices of a and b
// are staged in workgroup memory and each invocation accumulates a 4x4 block.
// Dispatch: [ceil(n / 64), ceil(m / 64)].

struct Params {
  m: u32,
  n: u32,
  k: u32,
  transA: u32,
  transB: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;
const DEPTH: u32 = 16u;

// Slices laid out [DEPTH][TILE]: tileA[kk * TILE + row], tileB[kk * TILE + col].
var<workgroup> tileA: array<f32, 1024>;
var<workgroup> tileB: array<f32, 1024>;

fn loadA(row: u32, kk: u32) -> f32 {
  if (row >= p.m || kk >= p.k) {
    return 0.0;
  }
  if (p.transA == 1u) {
    return a[kk * p.m + row];
  }
  return a[row * p.k + kk];
}

fn loadB(kk: u32, col: u32) -> f32 {
  if (kk >= p.k || col >= p.n) {
    return 0.0;
  }
  if (p.transB == 1u) {
    return b[col * p.k + kk];
  }
  return b[kk * p.n + col];
}

// Writes one row's four accumulated columns col, col + 16, col + 32, col + 48 inside c.
fn store(row: u32, col: u32, v: vec4f) {
  if (row >= p.m) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    if (col + 16u * j < p.n) {
      c[row * p.n + col + 16u * j] = v[j];
    }
  }
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) li: u32,
) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  // Rows lid.y + 16 i (acc_i) and columns lid.x + 16 j (lane j of each acc_i).
  var acc0 = vec4f();
  var acc1 = vec4f();
  var acc2 = vec4f();
  var acc3 = vec4f();

  for (var k0 = 0u; k0 < p.k; k0 += DEPTH) {
    // 1024 values per slice, 4 per invocation; consecutive invocations read consecutive
    // addresses of the stored layout (k-major when not transposed, row-major when transposed).
    for (var e = li; e < 1024u; e += 256u) {
      if (p.transA == 1u) {
        tileA[e] = loadA(row0 + e % TILE, k0 + e / TILE);
      } else {
        tileA[(e % DEPTH) * TILE + e / DEPTH] = loadA(row0 + e / DEPTH, k0 + e % DEPTH);
      }
      if (p.transB == 1u) {
        tileB[(e % DEPTH) * TILE + e / DEPTH] = loadB(k0 + e % DEPTH, col0 + e / DEPTH);
      } else {
        tileB[e] = loadB(k0 + e / TILE, col0 + e % TILE);
      }
    }
    workgroupBarrier();

    for (var kk = 0u; kk < DEPTH; kk++) {
      let at = kk * TILE + lid.y;
      let bt = kk * TILE + lid.x;
      let bv = vec4f(tileB[bt], tileB[bt + 16u], tileB[bt + 32u], tileB[bt + 48u]);
      acc0 += tileA[at] * bv;
      acc1 += tileA[at + 16u] * bv;
      acc2 += tileA[at + 32u] * bv;
      acc3 += tileA[at + 48u] * bv;
    }
    workgroupBarrier();
  }

  store(row0 + lid.y, col0 + lid.x, acc0);
  store(row0 + lid.y + 16u, col0 + lid.x, acc1);
  store(row0 + lid.y + 32u, col0 + lid.x, acc2);
  store(row0 + lid.y + 48u, col0 + lid.x, acc3);
}
