// Fast access to bytes of a chunk. Buffer.readUInt32BE and Buffer.subarray cost several times more
// per call than DataView getters and a plain Uint8Array constructor (measured on Node 20), and
// readers call them for every record.

export function dataView(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** buf[start, end) as a Uint8Array sharing buf's memory. */
export function view(buf: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, end - start);
}
