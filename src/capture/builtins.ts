// Node's zlib and crypto cost start-up time (a few ms each): they are loaded when first used, so
// that `inspect` of a plain capture (no zip, no btsnooz, no hash) loads neither.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const zlib = (): typeof import('node:zlib') => require('node:zlib') as typeof import('node:zlib');
export const crypto = (): typeof import('node:crypto') => require('node:crypto') as typeof import('node:crypto');
