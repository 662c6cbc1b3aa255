// Hex conversions through Buffer (native code), never per-byte string building.

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
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
