// A BleClient on simulated BMS peripherals: noble's own code on SimBindings (tests, --simulate, demo).
import { InputError } from '../../../errors.js';
import { PROTOCOLS } from '../../../sim/protocols/index.js';
import type { BleClient } from '../../client.js';
import { loadNobleWithBindings, NobleClient } from '../noble/noble-client.js';
import { BmsPeripheral, type BmsPeripheralOptions } from './peripheral.js';
import { SimBindings, type SimAdapterState } from './bindings.js';

export interface SimulatedSetup {
  /** Protocol ids of src/sim/ (jbd, daly, jk, modbus), one peripheral each. */
  protocols: string[];
  state?: SimAdapterState;
  /** Per peripheral options (switch, seed, RSSI, speed); index matches protocols. */
  peripherals?: BmsPeripheralOptions[];
  /** Applied to every peripheral unless overridden. */
  defaults?: BmsPeripheralOptions;
  refuseConnect?: string[];
}

export interface SimulatedClient {
  client: BleClient;
  bindings: SimBindings;
  peripherals: BmsPeripheral[];
}

/** noble's own code on SimBindings with one simulated BMS per protocol. */
export async function openSimulatedClient(setup: SimulatedSetup): Promise<SimulatedClient> {
  const peripherals = setup.protocols.map((id, i) => {
    const protocol = PROTOCOLS[id];
    if (!protocol) throw new InputError(`unknown simulated BMS '${id}' (known: ${Object.keys(PROTOCOLS).join(', ')})`);
    // Different seeds give different addresses and serial numbers; the first device is the strongest.
    return new BmsPeripheral(protocol, { seed: 0x1000 + i * 0x111, rssi: -52 - 9 * i, ...setup.defaults, ...setup.peripherals?.[i] });
  });
  const bindings = new SimBindings({ state: setup.state ?? 'poweredOn', peripherals, refuseConnect: setup.refuseConnect });
  const noble = await loadNobleWithBindings(bindings);
  const client = new NobleClient(noble, { kind: 'simulated', onClose: () => bindings.shutdown() });
  return { client, bindings, peripherals };
}
