// The two ways a record can fail, worded once for every binary reader.
import { CaptureError } from '../errors.js';

/** No record in any supported format is near this size: a larger length field is corruption. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const KEPT = 'The records before it were read';

/** The file ends inside record `record`, which starts at file offset `offset`. */
export function truncatedRecord(record: number, offset: number): CaptureError {
  return new CaptureError('the file ends in the middle of this record (the capture was cut short)', {
    record,
    offset,
    hint: `${KEPT}; if the capture is still being written, copy it again when it is complete`,
  });
}

/** Record `record` at file offset `offset` has impossible header values. */
export function corruptRecord(record: number, offset: number, what: string): CaptureError {
  return new CaptureError(`corrupt record: ${what}`, {
    record,
    offset,
    hint: `${KEPT}; the rest of the file cannot be trusted`,
  });
}

/** The file ends inside its own file header. */
export function truncatedHeader(format: string, need: number, have: number): CaptureError {
  return new CaptureError(`the file ends inside the ${need}-byte ${format} file header (it has ${have} bytes)`, {
    offset: have,
    hint: 'Copy the capture again; nothing can be read from it',
  });
}
