/**
 * The Segment Any Tissue OHIF extension (id and version from extension/package.json). It adds
 * the command, the toolbar button (customization segmentAnyTissue.toolbarButtons), the panel
 * (panelModule.segmentAnyTissue) and a utility module that exposes the controller. The
 * prebuilt viewer loads it at runtime as an ES module; an OHIF build can link it as a package.
 */
import { createOhifHost } from './host/ohif-host';
import type { OhifManagers } from './host/ohif-types';
import { COMMANDS, CUSTOMIZATIONS, EXTENSION_ID, EXTENSION_VERSION } from './ids';
import { modelConfig, setModelConfig } from './model-config';
import { panelModule } from './panel-module';
import { unmountAllPanels } from '../panel/mount';
import { SatController } from './controller/sat-controller';
import type { ViewerHost } from './controller/viewer-host';
import { toolbarButton } from './toolbar-button';

let tool: { controller: SatController; host: ViewerHost } | undefined;

function theTool() {
  if (!tool) throw new Error('Segment Any Tissue: the extension was not registered (preRegistration did not run).');
  return tool;
}

const extension = {
  id: EXTENSION_ID,
  version: EXTENSION_VERSION,
  preRegistration({ appConfig, configuration, ...managers }: OhifManagers & { appConfig?: unknown; configuration?: unknown }) {
    setModelConfig(appConfig, configuration);
    const host = createOhifHost(managers);
    tool = { host, controller: new SatController(host, modelConfig) };
  },
  /** Entering the mode: the engine's worker starts and looks for models before the first press. */
  onModeEnter() {
    tool?.controller.prepare();
  },
  /** Leaving a mode: stop a running worker, forget the result, take our panel's root down. */
  onModeExit() {
    tool?.controller.dispose();
    unmountAllPanels();
  },
  getCommandsModule() {
    return {
      definitions: {
        [COMMANDS.run]: {
          commandFn: () => {
            const { host, controller } = theTool();
            host.showPanel();
            void controller.run();
          },
        },
        [COMMANDS.showPanel]: { commandFn: () => theTool().host.showPanel() },
      },
      defaultContext: 'VIEWER',
    };
  },
  getPanelModule() {
    return panelModule(theTool().controller);
  },
  getCustomizationModule() {
    return [{ name: 'default', value: { [CUSTOMIZATIONS.toolbarButtons]: [toolbarButton] } }];
  },
  getUtilityModule() {
    return [{ name: 'segmentAnyTissue', exports: { controller: () => theTool().controller, host: () => theTool().host } }];
  },
};

export default extension;
