// The text readers in probe order: the strict ones first (a header or a line shape only that tool
// writes), the hex dump next, and plain hex lines last as the fallback. They all come after the
// binary readers in formats.ts, and every probe first checks that the head is printable text.
import type { CaptureFormat } from './format.js';
import { hexDumpText } from './text-hexdump.js';
import { hexLinesText } from './text-hexlines.js';
import { nrfConnectText } from './text-nrfconnect.js';
import { packetLoggerText } from './text-packetlogger.js';
import { wiresharkText } from './text-wireshark.js';

export const TEXT_FORMATS: CaptureFormat[] = [packetLoggerText, wiresharkText, nrfConnectText, hexDumpText, hexLinesText];
