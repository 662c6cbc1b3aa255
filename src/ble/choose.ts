// The one backend chooser (like bleak's get_platform_client_backend_type): noble on the system
// adapter, or noble's own code on simulated BMS peripherals. Both load only when chosen.
import type { BleClient } from './client.js';

export interface ChosenClient {
  client: BleClient;
  /** Simulated backend only: sets the switch of the simulated BMS (the first peripheral). */
  setSwitch?(on: boolean): void;
}

/** `simulate`: a protocol id of src/sim/ (jbd, daly, jk, modbus…) for a simulated BMS; null: the adapter. */
export async function openBleClient(simulate: string | null): Promise<ChosenClient> {
  if (simulate) {
    const { openSimulatedClient } = await import('./backends/sim/sim-client.js');
    const sim = await openSimulatedClient({ protocols: [simulate] });
    return { client: sim.client, setSwitch: (on) => sim.peripherals[0]!.setSwitch(on) };
  }
  const { openSystemClient } = await import('./backends/noble/noble-client.js');
  return { client: await openSystemClient() };
}
