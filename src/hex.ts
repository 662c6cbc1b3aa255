// Hex conversions through Buffer (native code), never per-byte string building.

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** "1b", "0011": a number as lowercase hex, zero-padded to `digits` (2 = a byte, 4 = a handle). */
export function hexNum(n: number, digits = 2): string {
  return n.toString(16).padStart(digits, '0');
}

/** "0x1b", "0x0011": a byte, mask or handle the way the reports write it. */
export function hex0x(n: number, digits = 2): string {
  return `0x${hexNum(n, digits)}`;
}

/** Parses hex with optional separators (spaces, ':', '-', '0x' prefixes). Returns null when not hex. */
export function parseHex(text: string): Uint8Array | null {
  const clean = text.replace(/0x/gi, '').replace(/[\s:\-,]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return null;
  return Buffer.from(clean, 'hex');
}

/** "dd 03 00 1d" — for human views. */
export function spacedHex(bytes: Uint8Array): string {
  return toHex(bytes).replace(/(..)(?!$)/g, '$1 ');
}

/** "AT+V." — printable ASCII bytes as themselves, every other byte as '.' (text columns beside hex). */
export function asciiText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}
