/**
 * After a run the next click must not paint into the result: if the viewport's primary tool
 * edits labelmaps (a brush, an eraser, scissors…), hand the button to window/level, through
 * OHIF's toolbar command (so the toolbar shows it) and, failing that, on the tool group itself.
 */
import type { HostContext } from './context';
import type { SeriesLayout } from './series';

const VIEWING_TOOL = 'WindowLevel';

interface ToolGroupLike {
  getActivePrimaryMouseButtonTool?(): string | undefined;
  getToolInstance?(name: string): unknown;
  hasTool?(name: string): boolean;
  setToolPassive?(name: string): void;
  setToolActive?(name: string, options?: { bindings: { mouseButton: number }[] }): void;
}

function toolGroupOf(ctx: HostContext, layout: SeriesLayout): ToolGroupLike | undefined {
  try {
    return ctx.tools.ToolGroupManager.getToolGroupForViewport(layout.viewportId) as unknown as ToolGroupLike | undefined;
  } catch {
    return undefined;
  }
}

function editsLabelmaps(ctx: HostContext, group: ToolGroupLike, name: string): boolean {
  const tool = group.getToolInstance?.(name);
  const base = (ctx.tools as unknown as { LabelmapBaseTool?: new (...a: never[]) => unknown }).LabelmapBaseTool;
  if (base && tool instanceof base) return true;
  return /brush|eraser|scissor|threshold|paint|sculptor|segment/i.test(name);
}

export function stopEditing(ctx: HostContext, layout: SeriesLayout): void {
  const group = toolGroupOf(ctx, layout);
  const active = group?.getActivePrimaryMouseButtonTool?.();
  if (!group || !active || !editsLabelmaps(ctx, group, active)) return;
  try {
    ctx.commandsManager.runCommand('setToolActiveToolbar', { itemId: VIEWING_TOOL, toolName: VIEWING_TOOL });
  } catch {
    /* an OHIF without that command: set the tool group directly below */
  }
  if (group.getActivePrimaryMouseButtonTool?.() !== active) return;
  group.setToolPassive?.(active);
  if (group.hasTool?.(VIEWING_TOOL)) group.setToolActive?.(VIEWING_TOOL, { bindings: [{ mouseButton: ctx.tools.Enums.MouseBindings.Primary }] });
}

/** Series description and date for file names: from the display set and its first instance, never the patient module. */
export function describeSeries(layout: SeriesLayout): { description?: string; date?: string } {
  const first = layout.displaySet.instances?.[0] ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  return {
    description: str(layout.displaySet.SeriesDescription) ?? str(first.SeriesDescription),
    date: str(first.SeriesDate) ?? str(first.StudyDate),
  };
}
