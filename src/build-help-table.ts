// `npm run build` step after tsc: writes dist/help-table.json (see help-table.ts).
import { writeFileSync } from 'node:fs';
import { COMMANDS } from './cli.js';
import { buildHelpTable, HELP_TABLE_FILE } from './help-table.js';
import { VERSION } from './version.js';

writeFileSync(HELP_TABLE_FILE, JSON.stringify(await buildHelpTable(VERSION, COMMANDS)) + '\n');
