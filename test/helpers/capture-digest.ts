// Folds every emitted packet into one hash, so two ways of reading the same capture can be compared.
import { createHash, type Hash } from 'node:crypto';
import type { Packet } from '../../src/model.js';

export class PacketDigest {
  private hash: Hash = createHash('sha256');
  count = 0;

  readonly add = (p: Packet): void => {
    this.count++;
    if (p.kind === 'hci') {
      this.hash.update(`h${p.record},${p.t},${p.type},${p.sent},${p.adapter ?? ''},${p.directionKnown ?? ''};`);
      this.hash.update(p.data);
    } else if (p.kind === 'll') {
      this.hash.update(`l${p.record},${p.t},${p.accessAddress},${p.channel},${p.dir},${p.crcOk},${p.encrypted};`);
      this.hash.update(p.pdu);
    } else {
      this.hash.update(`a${p.record},${p.t},${p.dir},${p.peer},${p.uuid};`);
      this.hash.update(p.pdu);
    }
  };

  hex(): string {
    return this.hash.copy().digest('hex');
  }
}
