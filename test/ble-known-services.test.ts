// UUID names and the rule that points at the notify/write pair, on tables shaped like real devices.
import { describe, expect, it } from 'vitest';
import type { GattCharacteristic, GattService } from '../src/model.js';
import { characteristicName, displayUuid, likelyPair, looksLikeBms, normalizeUuid, serviceName } from '../src/gatt-names.js';
import { printableText } from '../src/ble/explore.js';

const ch = (uuid: string, properties: string[], handle: number | null = null): GattCharacteristic => ({ uuid, name: null, handle, properties, value: null, descriptors: [] });
const svc = (uuid: string, characteristics: GattCharacteristic[]): GattService => ({ uuid, name: null, characteristics });
const GAP = svc('1800', [ch('2a00', ['read'])]);
const GATT = svc('1801', [ch('2a05', ['indicate'])]);

describe('UUID spelling and names', () => {
  it('normalises every common spelling to noble’s', () => {
    expect(normalizeUuid('0000FF01-0000-1000-8000-00805F9B34FB')).toBe('ff01');
    expect(normalizeUuid('0xFFE1')).toBe('ffe1');
    expect(normalizeUuid('0000ffe1')).toBe('ffe1');
    expect(normalizeUuid('6E400001-B5A3-F393-E0A9-E50E24DCCA9E')).toBe('6e400001b5a3f393e0a9e50e24dcca9e');
    expect(displayUuid('6e400003b5a3f393e0a9e50e24dcca9e')).toBe('6e400003-b5a3-f393-e0a9-e50e24dcca9e');
    expect(displayUuid('ff00')).toBe('FF00');
  });
  it('names standard and vendor UUIDs', () => {
    expect(serviceName('180A')).toBe('Device Information');
    expect(serviceName('0000ff00-0000-1000-8000-00805f9b34fb')).toBe('JBD / Xiaoxiang BMS');
    expect(characteristicName('2a00')).toBe('Device Name');
    expect(characteristicName('6e400002-b5a3-f393-e0a9-e50e24dcca9e')).toBe('Nordic UART RX (write)');
    expect(serviceName('abcd')).toBeNull();
  });
  it('recognises BMS advertisements', () => {
    expect(looksLikeBms(['ff00'], null)).toBe(true);
    expect(looksLikeBms([], 'JK-B2A24S1234')).toBe(true);
    expect(looksLikeBms([], 'DL-41181201')).toBe(true); // Daly modules' names
    expect(looksLikeBms([], 'DL-Kitchen')).toBe(false);
    expect(looksLikeBms(['fff0'], 'DL-41181201')).toBe(true);
    expect(looksLikeBms(['180d'], 'Polar H10')).toBe(false);
  });
});

describe('likely notify/write pair', () => {
  it('Nordic UART: TX notifies, RX takes writes', () => {
    const nus = svc('6e400001b5a3f393e0a9e50e24dcca9e', [
      ch('6e400002b5a3f393e0a9e50e24dcca9e', ['write', 'writeWithoutResponse'], 0x10),
      ch('6e400003b5a3f393e0a9e50e24dcca9e', ['notify'], 0x12),
    ]);
    expect(likelyPair([GAP, GATT, nus])).toMatchObject({ notify: '6e400003b5a3f393e0a9e50e24dcca9e', write: '6e400002b5a3f393e0a9e50e24dcca9e', notifyHandle: 0x12, writeHandle: 0x10, reason: 'Nordic UART (6e400001-b5a3-f393-e0a9-e50e24dcca9e)' });
  });
  it('an unknown vendor service: guessed from properties, standard services skipped', () => {
    const vendor = svc('a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5', [ch('a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d6', ['notify']), ch('a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d7', ['write'])]);
    const pair = likelyPair([GAP, GATT, svc('180f', [ch('2a19', ['read', 'notify'])]), vendor])!;
    expect(pair.service).toBe('a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5');
    expect(pair.reason).toMatch(/guessed from properties/);
    expect(pair.protocols).toEqual([]);
  });
  it('a known service without the documented characteristics falls back to the properties', () => {
    const odd = svc('ff00', [ch('ff05', ['notify']), ch('ff06', ['writeWithoutResponse'])]);
    expect(likelyPair([GAP, odd])).toMatchObject({ notify: 'ff05', write: 'ff06' });
  });
  it('no pair when nothing both notifies and takes writes', () => {
    expect(likelyPair([GAP, GATT, svc('180f', [ch('2a19', ['read', 'notify'])])])).toBeNull();
  });
});

describe('printable text of values', () => {
  it('shows text for strings (NUL-terminated too) and nothing for binary', () => {
    expect(printableText(Buffer.from('JBD\0\0').toString('hex'))).toBe('JBD');
    expect(printableText('dd03001d0f4f')).toBeNull();
    expect(printableText('')).toBeNull();
  });
});
