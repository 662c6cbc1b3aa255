import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'wizard',
  summary: '(not built yet)',
  usage: 'bms-wizard wizard',
  help: '',
  options: {},
  async run() {
    throw new InputError("'wizard' is not built yet");
  },
};
