// out[g] = sum of x[i] (square = 0) or x[i]^2 (square = 1) over the BLOCK elements of block g.
// Each invocation sums a strided run, then the workgroup adds them pairwise in workgroup memory.
// The host repeats it (square = 0) on the partial sums until one value is left: a fixed order,
// so results are deterministic. Dispatch ceil(n / BLOCK) in a line.

struct Params {
  n: u32,
  square: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;
const BLOCK: u32 = 2048u;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let g = groupLine(wid, nwg);
  let start = g * BLOCK;
  var acc = 0.0;
  for (var i = start + lid.x; i < min(p.n, start + BLOCK); i += WG) {
    let v = x[i];
    acc += select(v, v * v, p.square == 1u);
  }
  partial[lid.x] = acc;
  workgroupBarrier();

  for (var width = WG / 2u; width > 0u; width /= 2u) {
    if (lid.x < width) {
      partial[lid.x] += partial[lid.x + width];
    }
    workgroupBarrier();
  }
  if (lid.x == 0u && start < max(p.n, 1u)) {
    out[g] = partial[0];
  }
}
