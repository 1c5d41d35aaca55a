/**
 * The panel module OHIF renders in its side panel. A runtime-loaded plugin gets no React of the
 * host's, so the component the host renders uses no hooks: it returns a plain <div> element
 * (React 18's element format, the peer dependency both sides share) whose ref mounts our own
 * React root into it, and unmounts it when the host removes the panel (leaving the mode).
 */
import { createElement } from 'react';
import { mountPanel, unmountPanel } from '../panel/mount';
import type { SatController } from './controller/sat-controller';
import { PANEL_NAME } from './ids';

export function panelModule(ctl: SatController) {
  let node: HTMLElement | null = null;
  // One stable ref callback, so the host's re-renders do not remount our root.
  const attach = (el: HTMLElement | null) => {
    if (node && node !== el) unmountPanel(node);
    node = el;
    if (el) mountPanel(el, ctl);
  };
  const SegmentAnyTissuePanel = () => createElement('div', { ref: attach, 'data-testid': 'sat-panel-mount' });
  return [{ name: PANEL_NAME, iconName: 'tab-segmentation', iconLabel: 'Segment Any Tissue', label: 'Segment Any Tissue', component: SegmentAnyTissuePanel }];
}
