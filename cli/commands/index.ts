import { Command } from './command';
import { segmentCommand } from './segment';
import { demoCommand } from './demo';

/** Every `sat` subcommand, in the order `sat help` lists them. */
export const commands: Command[] = [segmentCommand, demoCommand];
