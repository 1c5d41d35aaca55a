/**
 * Runs once in jest's own process before the tests (test files get a copy of this process's
 * environment, so what is set here reaches them):
 * - the outside tools are checked once (tools.ts) and the findings handed on in SAT_TOOL_PROBE;
 * - SAT_SKIP_LOG names the file where skips are recorded for the closing summary (skip-summary.js);
 * - the WebGPU-in-Node tests use Chromium's software Vulkan driver (SwiftShader): the Vulkan
 *   loader reads VK_ICD_FILENAMES from the real process environment.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { probeTools, SWIFTSHADER_ICD } from './tools';

export default function globalSetup(): void {
  if (!process.env.VK_ICD_FILENAMES && fs.existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.SAT_TOOL_PROBE) process.env.SAT_TOOL_PROBE = JSON.stringify(probeTools());
  process.env.SAT_SKIP_LOG = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sat-skips-')), 'skips.jsonl');
}
