/**
 * Our panel in its own React root, inside the node OHIF's side panel gives our panel module.
 * The runtime-loaded plugin brings its own React (the host does not expose its own), so the
 * host renders only a plain <div>, and this root fills it.
 */
import React from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { SatController } from '../ohif/controller/sat-controller';
import { SatPanel } from './SatPanel';

const roots = new Map<HTMLElement, Root>();

export function mountPanel(node: HTMLElement, ctl: SatController): void {
  if (roots.has(node)) return;
  const root = createRoot(node);
  roots.set(node, root);
  root.render(<SatPanel ctl={ctl} />);
}

export function unmountPanel(node: HTMLElement): void {
  const root = roots.get(node);
  if (!root) return;
  roots.delete(node);
  // The host is in the middle of its own commit; unmount ours right after it.
  queueMicrotask(() => root.unmount());
}

export function unmountAllPanels(): void {
  for (const node of [...roots.keys()]) unmountPanel(node);
}
