// nRF Connect for Android log ("Save log"), as someone recording with the nRF Connect app would
// get it: one device, characteristics named by 128-bit UUID only (no handles), writes as
// "Data written to", notifications as "Notification received from". Layout of the corpus example
// (smartbottle_M1_nrfconnect_EXCERPT.txt): "LEVEL<TAB>HH:MM:SS.mmm<TAB>message".
import { ATT_INDICATION, ATT_MTU_REQ, ATT_NOTIFICATION, ATT_WRITE_CMD, ATT_WRITE_REQ } from '../../att.js';
import type { HciPacket } from '../../model.js';
import { attPdus } from '../link/reassemble.js';

export interface NrfConnectTextOptions {
  /** The device the log is about (nRF Connect talks to one device); its name for the header. */
  peer: string;
  name: string;
  /** Characteristic and descriptor UUIDs by attribute handle. */
  uuids: Record<number, string>;
}

const BASE = '-0000-1000-8000-00805f9b34fb';
const long = (u: string) => (u.length === 4 ? `0000${u}${BASE}` : u);
const hex = (v: Uint8Array) => Buffer.from(v).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1-');

function clock(t: number): string {
  const d = new Date(Math.floor(t / 1000));
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

/** The log's lines with their times (µs); only lines that carry a value count as records for the reader. */
export function nrfConnectLines(packets: HciPacket[], o: NrfConnectTextOptions): { t: number; text: string }[] {
  const pdus = attPdus(packets).filter((a) => a.peer === o.peer || a.peer === null);
  const addr = o.peer.toUpperCase();
  const lines: { t: number; text: string }[] = [];
  const line = (t: number, level: string, msg: string) => lines.push({ t, text: `${level}\t${clock(t)}\t${msg}` });
  const t0 = pdus[0]?.t ?? 0;
  lines.push({ t: t0, text: `nRF Connect, ${new Date(Math.floor(t0 / 1000)).toISOString().slice(0, 10)}` });
  lines.push({ t: t0, text: `${o.name} (${addr})` });
  let connected = false;
  let last = t0;
  const disconnect = (t: number) => {
    line(t, 'V', `Disconnecting from ${addr}...`);
    line(t, 'I', `Disconnected`);
  };
  for (const a of pdus) {
    const op = a.pdu[0]!;
    if (op === ATT_MTU_REQ && a.sent) {
      // An Exchange MTU Request opens every connection the app makes.
      if (connected) disconnect(last);
      connected = true;
      line(a.t - 40_000, 'V', `Connecting to ${addr}...`);
      line(a.t - 40_000, 'D', 'gatt = device.connectGatt(autoConnect = false, TRANSPORT_LE, preferred PHY = LE 1M)');
      line(a.t - 20_000, 'I', `Connected to ${addr}`);
      line(a.t, 'V', 'Discovering services...');
    }
    last = a.t;
    const handle = a.pdu[1]! | (a.pdu[2]! << 8);
    const uuid = long(o.uuids[handle] ?? '0000');
    const value = a.pdu.subarray(3);
    if (op === ATT_NOTIFICATION) line(a.t, 'I', `Notification received from ${uuid}, value: (0x) ${hex(value)}`);
    else if (op === ATT_INDICATION) line(a.t, 'I', `Indication received from ${uuid}, value: (0x) ${hex(value)}`);
    else if ((op === ATT_WRITE_REQ || op === ATT_WRITE_CMD) && (o.uuids[handle] === '2902' || o.uuids[handle] === '2901')) {
      line(a.t, 'D', `gatt.setCharacteristicNotification(${long(o.uuids[handle - 1] ?? '0000')}, true)`);
      line(a.t, 'I', `Data written to descr. ${uuid}, value: (0x) ${hex(value)}`);
    } else if (op === ATT_WRITE_REQ || op === ATT_WRITE_CMD) {
      line(a.t, 'V', `Writing ${op === ATT_WRITE_CMD ? 'command' : 'request'} to characteristic ${uuid}`);
      line(a.t, 'D', `gatt.writeCharacteristic(${uuid}, value=0x${Buffer.from(value).toString('hex').toUpperCase()})`);
      line(a.t, 'I', `Data written to ${uuid}, value: (0x) ${hex(value)}`);
    }
  }
  if (connected) disconnect(last);
  return lines;
}

export function writeNrfConnectText(packets: HciPacket[], o: NrfConnectTextOptions): Buffer {
  return Buffer.from(nrfConnectLines(packets, o).map((l) => l.text + '\n').join(''), 'utf8');
}
