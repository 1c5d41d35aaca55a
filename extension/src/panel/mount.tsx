/** Mounts our panel in its own React root on the page (once). */
import React from 'react';
import { createRoot, Root } from 'react-dom/client';
import { SatPanel } from './SatPanel';

let root: Root | undefined;
let el: HTMLDivElement | undefined;

export function showPanel(): void {
  if (!el) {
    el = document.createElement('div');
    el.id = 'segment-any-tissue-panel';
    document.body.appendChild(el);
    root = createRoot(el);
  }
  root!.render(<SatPanel onClose={hidePanel} />);
}

export function hidePanel(): void {
  root?.render(<></>);
}
