/**
 * The Segment Any Tissue mode: OHIF's segmentation mode (brush, eraser, threshold, segment
 * list) with our toolbar button and our panel docked under the segmentation panel. Derived
 * through the segmentation mode's own modeFactory, which applies immutability-helper commands
 * to its mode instance (OHIF's way of extending a mode). Id and version: package.json.
 */
import { CUSTOMIZATIONS, EXTENSION_ID, PANEL_ID, TOOLBAR_BUTTON_ID } from '@segment-any-tissue/ohif-extension/src/ohif/ids';
import pkg from '../package.json';

declare const __SAT_RUNTIME_PLUGIN__: boolean | undefined;
declare const __webpack_public_path__: string;

interface ModeContext {
  servicesManager: { services: { toolbarService: { updateSection(section: string, buttonIds: string[]): void } } };
}
interface BaseMode {
  modeFactory(this: BaseMode, options: { modeConfiguration: Record<string, unknown> }): Record<string, unknown>;
}
type LoadModules = (names: string[]) => Promise<BaseMode[]>;

const peers: Record<string, string> = pkg.peerDependencies;

/**
 * How the mode names the extension it needs. The prebuilt viewer imports a mode's extensions by
 * URL, so the runtime build (our webpack, __SAT_RUNTIME_PLUGIN__) names extension.js next to
 * this module; an OHIF build resolves the package name.
 */
function extensionKey(): string {
  return typeof __SAT_RUNTIME_PLUGIN__ !== 'undefined' && __SAT_RUNTIME_PLUGIN__ ? new URL('extension.js', __webpack_public_path__).href : EXTENSION_ID;
}

const mode = {
  id: pkg.name,
  async modeFactory({ modeConfiguration, loadModules }: { modeConfiguration?: Record<string, unknown>; loadModules: LoadModules }) {
    const [segmentation] = await loadModules(['@ohif/mode-segmentation']);
    return segmentation.modeFactory.call(segmentation, {
      modeConfiguration: {
        id: { $set: pkg.name },
        routeName: { $set: 'segment-any-tissue' },
        displayName: { $set: 'Segment Any Tissue' },
        extensions: { $merge: { [extensionKey()]: peers[EXTENSION_ID] } },
        toolbarButtons: { $push: [{ $reference: CUSTOMIZATIONS.toolbarButtons }] },
        // Our panel sits under OHIF's labelmap segmentation panel, in the same tab.
        routes: { 0: { layoutInstance: { props: { rightPanels: { 0: { $apply: (labelmapPanel: string | string[]) => [...[labelmapPanel].flat(), PANEL_ID] } } } } } },
        onModeEnter: {
          $apply: (enter: (this: unknown, ctx: ModeContext) => void) =>
            function onModeEnter(this: unknown, ctx: ModeContext) {
              enter.call(this, ctx);
              ctx.servicesManager.services.toolbarService.updateSection('primary', [TOOLBAR_BUTTON_ID]);
            },
        },
        ...modeConfiguration,
      },
    });
  },
};

export default mode;
