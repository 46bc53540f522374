// Inverted dropout with the mask every backend shares (dropoutKeep in src/gnn/backend.ts):
// element i is kept when the top 24 bits of lowbias32(seed ^ i * 0x9e3779b9), as u in [0, 1),
// are at or above prob (compared exactly as integers: top24 >= threshold = ceil(prob * 2^24));
// mask[i] = keepScale (1 / (1 - prob)) when kept, else 0, and
// y[i] = x[i] * mask[i]. item() per element, strided over the line.

struct Params {
  n: u32,
  seed: u32,
  threshold: u32,
  keepScale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;

fn lowbias32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

fn item(i: u32) {
  let top24 = lowbias32(p.seed ^ (i * 0x9e3779b9u)) >> 8u;
  let m = select(0.0, p.keepScale, top24 >= p.threshold);
  mask[i] = m;
  y[i] = x[i] * m;
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  for (var i = threadLine(wid, nwg, lid, 256u); i < p.n; i += lineStride(nwg, 256u)) {
    item(i);
  }
}
