import { Command } from './command';
import { segmentCommand } from './segment';
import { demoCommand } from './demo';
import { toSegCommand } from './to-seg';
import { fromSegCommand } from './from-seg';
import { modelsCommand } from './models';

/** Every `sat` subcommand, in the order `sat help` lists them. */
export const commands: Command[] = [segmentCommand, toSegCommand, fromSegCommand, modelsCommand, demoCommand];
