// Explore against simulated BMS peripherals: noble's own JavaScript runs on SimBindings (its
// with-bindings hook), so scanning, discovery and reads go through the real noble code path.
import { afterEach, describe, expect, it } from 'vitest';
import { chooseDevice, exploreDevice, scanFor } from '../src/ble/explore.js';
import { openSimulatedClient, type SimulatedClient } from '../src/ble/backends/sim/sim-client.js';
import { PROTOCOLS } from '../src/sim/protocols/index.js';
import { toModelGatt } from '../src/sim/gatt.js';
import { normalizeUuid } from '../src/gatt-names.js';

let sim: SimulatedClient | null = null;
afterEach(async () => {
  await sim?.client.close();
  sim = null;
});

const EXPECTED = {
  jbd: { service: 'ff00', notify: 'ff01', write: 'ff02', notifyHandle: 0x11, writeHandle: 0x15 },
  daly: { service: 'fff0', notify: 'fff1', write: 'fff2', notifyHandle: null, writeHandle: null },
  jk: { service: 'ffe0', notify: 'ffe1', write: 'ffe1', notifyHandle: 0x12, writeHandle: 0x12 },
  ant: { service: 'ffe0', notify: 'ffe1', write: 'ffe1', notifyHandle: null, writeHandle: null },
  'daly-modbus': { service: 'fff0', notify: 'fff1', write: 'fff2', notifyHandle: null, writeHandle: null },
  modbus: { service: '6e400001b5a3f393e0a9e50e24dcca9e', notify: '6e400003b5a3f393e0a9e50e24dcca9e', write: '6e400002b5a3f393e0a9e50e24dcca9e', notifyHandle: null, writeHandle: null },
} as const;

describe('explore on simulated BMS peripherals', () => {
  for (const id of ['jbd', 'daly', 'jk', 'ant', 'daly-modbus', 'modbus'] as const) {
    it(`${id}: lists every service, characteristic and property, reads values, names the notify/write pair`, async () => {
      sim = await openSimulatedClient({ protocols: [id] });
      await sim.client.ready(2000);
      const devices = await scanFor(sim.client, { durationMs: 3000, filter: {}, settleMs: 100 });
      const device = chooseDevice(devices, {});
      expect(device).not.toBeNull();
      const protocol = PROTOCOLS[id]!;
      expect(device!.name).toBe(sim.peripherals[0]!.name);
      expect(device!.address).toBe(sim.peripherals[0]!.address);
      expect(device!.serviceUuids).toEqual([EXPECTED[id].service]);
      expect(device!.manufacturerData).toMatch(/^ffff[0-9a-f]{12}$/);

      const result = await exploreDevice(sim.client, device!, 3000);
      // The table equals the simulator's own GATT layout (UUIDs, handles, properties, descriptors).
      const truth = toModelGatt(protocol.gatt);
      expect(result.services.map((s) => s.uuid)).toEqual(truth.map((s) => normalizeUuid(s.uuid)));
      for (const [i, s] of truth.entries()) {
        const got = result.services[i]!;
        expect(got.characteristics.map((c) => [c.uuid, c.handle, c.properties])).toEqual(
          s.characteristics.map((c) => [normalizeUuid(c.uuid), c.handle, c.properties]),
        );
        for (const [j, c] of s.characteristics.entries()) {
          // Readable values are read; descriptors (CCCD, user description) are listed and read.
          // A readable characteristic without a stored value reads as empty, as on a real server.
          expect(got.characteristics[j]!.value).toBe(c.properties.includes('read') ? (c.value ?? '') : null);
          expect(got.characteristics[j]!.descriptors.map((d) => [d.uuid, d.value])).toEqual(c.descriptors.map((d) => [d.uuid, d.value]));
        }
      }
      const name = result.services.find((s) => s.uuid === '1800')!.characteristics.find((c) => c.uuid === '2a00')!;
      expect(name.name).toBe('Device Name');
      expect(Buffer.from(name.value!, 'hex').toString()).toMatch(/BMS|BLE/);

      expect(result.pair).not.toBeNull();
      const pair = result.pair!;
      expect([pair.service, pair.notify, pair.write]).toEqual([EXPECTED[id].service, EXPECTED[id].notify, EXPECTED[id].write]);
      expect(pair.notifyHandle).toBe(protocol.gatt.notifyHandle);
      expect(pair.writeHandle).toBe(protocol.gatt.writeHandle);
      if (EXPECTED[id].notifyHandle !== null) expect(pair.notifyHandle).toBe(EXPECTED[id].notifyHandle);
      if (id !== 'modbus') expect(pair.protocols).toContain(id); // Nordic UART carries many protocols
      // Exploring never writes to the device (a CCCD write would be a write too).
      expect(sim.bindings.writes).toEqual([]);
    });
  }

  it('picks the strongest BMS-looking device among several, and matches by name or address', async () => {
    sim = await openSimulatedClient({ protocols: ['daly', 'jbd', 'jk'], peripherals: [{ rssi: -80 }, { rssi: -50 }, { rssi: -70 }] });
    await sim.client.ready(2000);
    const devices = await scanFor(sim.client, { durationMs: 400, filter: {}, settleMs: null });
    expect(devices).toHaveLength(3);
    expect(chooseDevice(devices, {})!.name).toBe(sim.peripherals[1]!.name);
    expect(chooseDevice(devices, { name: sim.peripherals[2]!.name.slice(0, 6).toLowerCase() })!.address).toBe(sim.peripherals[2]!.address);
    expect(chooseDevice(devices, { address: sim.peripherals[0]!.address.toUpperCase().replace(/:/g, '-') })!.name).toBe(sim.peripherals[0]!.name);
    expect(chooseDevice(devices, { name: 'no such device' })).toBeNull();
  });
});
