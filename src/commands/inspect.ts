import { InputError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'inspect',
  summary: '(not built yet)',
  usage: 'bms-wizard inspect',
  help: '',
  options: {},
  async run() {
    throw new InputError("'inspect' is not built yet");
  },
};
