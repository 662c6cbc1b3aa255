// The registry of simulated protocols, by id.
import type { BmsProtocol } from '../protocol.js';
import { ant } from './ant.js';
import { daly } from './daly.js';
import { dalyModbus } from './daly-modbus.js';
import { jbd } from './jbd.js';
import { jk } from './jk.js';
import { modbus } from './modbus.js';

export const PROTOCOLS: Record<string, BmsProtocol> = { jbd, daly, 'daly-modbus': dalyModbus, jk, modbus, ant };

export type ProtocolId = keyof typeof PROTOCOLS;

export function getProtocol(id: string): BmsProtocol {
  const p = PROTOCOLS[id];
  if (!p) throw new Error(`unknown simulated protocol "${id}" (known: ${Object.keys(PROTOCOLS).join(', ')})`);
  return p;
}
