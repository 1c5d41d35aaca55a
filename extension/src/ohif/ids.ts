/**
 * The extension's public names. The id and version come from extension/package.json (OHIF
 * derives module ids from the extension id, e.g. `<id>.panelModule.<name>`), so they are
 * written once, there.
 */
import pkg from '../../package.json';

export const EXTENSION_ID: string = pkg.name;
export const EXTENSION_VERSION: string = pkg.version;

export const PANEL_NAME = 'segmentAnyTissue';
/** What a mode puts in its layout's rightPanels. */
export const PANEL_ID = `${EXTENSION_ID}.panelModule.${PANEL_NAME}`;

export const COMMANDS = {
  run: 'runSegmentAnyTissue',
  showPanel: 'showSegmentAnyTissuePanel',
} as const;

export const TOOLBAR_BUTTON_ID = 'SegmentAnyTissue';
/** Customization ids the extension registers (default scope) for modes to reference. */
export const CUSTOMIZATIONS = {
  toolbarButtons: 'segmentAnyTissue.toolbarButtons',
} as const;
/** The utility module other extensions (and the e2e hooks) use to reach the running tool. */
export const UTILITY_MODULE_ID = `${EXTENSION_ID}.utilityModule.segmentAnyTissue`;
