import { Command } from './command';
import { segmentCommand } from './segment';

/** Every `sat` subcommand, in the order `sat help` lists them. */
export const commands: Command[] = [segmentCommand];
