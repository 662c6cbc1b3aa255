// One UART-like GATT layout for the frame shapes (a notify and a write characteristic), MTU 23.
import { buildGatt, standardServices, type SimGatt } from '../gatt.js';

export function shapeGatt(name: string, service: string): SimGatt {
  const notify = `${service.slice(0, 3)}1`;
  const write = `${service.slice(0, 3)}2`;
  return buildGatt(
    [
      ...standardServices(name),
      {
        uuid: service,
        name: `${name} UART`,
        chars: [
          { uuid: notify, name: `${name} notify`, properties: ['notify'] },
          { uuid: write, name: `${name} write`, properties: ['write', 'writeWithoutResponse'] },
        ],
      },
    ],
    { service, notify, write, serverMtu: 23 },
  );
}

/** The subscribe-and-stream command all streaming shapes take (the app writes it once). */
export const START_STREAM = Uint8Array.of(0x53, 0x54, 0x41, 0x52, 0x54);

export function isStart(w: Uint8Array): boolean {
  return w.length === START_STREAM.length && w.every((b, i) => b === START_STREAM[i]);
}
