// A simulated device's identity (address, serial): fixed by a device number, not by the traffic
// seed, so that captures made with different seeds still show the same battery.
import { hexNum } from '../hex.js';
import { Prng } from './prng.js';

export function deviceAddressFor(prefix: string, device: number): string {
  const p = new Prng(device ^ 0x5eed);
  return [prefix, ...Array.from({ length: 3 }, () => hexNum(p.int(0, 255)))].join(':');
}

export function serialFor(device: number): string {
  return String(new Prng(device ^ 0x5e71).int(100000, 999999));
}
