// Shared helpers prepended to every program in this directory (not a program itself).

// Index of a workgroup in a line of workgroups the host spread over x and y (65535 per axis).
fn groupLine(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// Index of an invocation in a line of `size`-wide workgroups.
fn threadLine(wid: vec3u, nwg: vec3u, lid: vec3u, size: u32) -> u32 {
  return groupLine(wid, nwg) * size + lid.x;
}

// Distance between the items one invocation handles when `main` strides over a line: programs
// that call it compute each item in `fn item(i)`, so the host may dispatch fewer workgroups than
// items (fewer, longer-lived invocations suit CPU adapters such as lavapipe).
fn lineStride(nwg: vec3u, size: u32) -> u32 {
  return nwg.x * nwg.y * size;
}
