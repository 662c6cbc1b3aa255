import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'export',
  summary: '(not built yet)',
  usage: 'bms-wizard export',
  help: '',
  options: {},
  async run() {
    throw new InputError("'export' is not built yet");
  },
};
