// A bench input for the bug report path: a capture file put in a zip as Android's bug report has
// it (FS/data/misc/bluetooth/logs/btsnoop_hci.log, deflated), streamed from file to file so that a
// 1 GB log never sits in memory here either.
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { crc32, createDeflateRaw } from 'node:zlib';

const BUGREPORT_LOG = 'FS/data/misc/bluetooth/logs/btsnoop_hci.log';

/** Writes `zip`: one deflated entry named `name` holding the bytes of `file`. Returns the zip's size. */
export async function zipOfFile(file: string, zip: string, name = BUGREPORT_LOG): Promise<number> {
  const fd = openSync(zip, 'w');
  try {
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    writeSync(fd, local); // filled in once the sizes and CRC are known
    writeSync(fd, nameBytes);
    let crc = 0;
    let size = 0;
    let packed = 0;
    const deflate = createDeflateRaw({ level: 1 });
    createReadStream(file)
      .on('data', (b: Buffer | string) => {
        const chunk = typeof b === 'string' ? Buffer.from(b) : b;
        crc = crc32(chunk, crc);
        size += chunk.length;
      })
      .pipe(deflate);
    for await (const out of deflate as AsyncIterable<Buffer>) packed += writeSync(fd, out);
    if (size >= 0xffffffff || packed >= 0xffffffff) throw new Error('the bench zip needs zip64, which this writer does not do');
    const fill = (h: Buffer, at: number): void => {
      h.writeUInt16LE(20, at); // version needed
      h.writeUInt16LE(0x0800, at + 2); // UTF-8 name
      h.writeUInt16LE(8, at + 4); // deflate
      h.writeUInt32LE(crc >>> 0, at + 10);
      h.writeUInt32LE(packed, at + 14);
      h.writeUInt32LE(size, at + 18);
      h.writeUInt16LE(nameBytes.length, at + 22);
    };
    local.writeUInt32LE(0x04034b50, 0);
    fill(local, 4);
    writeSync(fd, local, 0, 30, 0);
    const dirAt = 30 + nameBytes.length + packed;
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    fill(central, 6);
    central.writeUInt32LE(0, 42); // local header offset
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(46 + nameBytes.length, 12);
    end.writeUInt32LE(dirAt, 16);
    writeSync(fd, central, 0, 46, dirAt);
    writeSync(fd, nameBytes, 0, nameBytes.length, dirAt + 46);
    writeSync(fd, end, 0, 22, dirAt + 46 + nameBytes.length);
    return dirAt + 46 + nameBytes.length + 22;
  } finally {
    closeSync(fd);
  }
}
