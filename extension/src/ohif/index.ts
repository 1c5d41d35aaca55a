/**
 * The Segment Any Tissue OHIF extension, loaded by the prebuilt viewer at runtime as an ES
 * module. It adds the command and toolbar button; the mode puts the button in the toolbar.
 */
import { setHostManagers } from './host-adapter';
import { setModelConfig } from './model-config';
import { runSegmentAnyTissue } from './sat-controller';
import { showPanel } from '../panel/mount';
import { toolbarButton } from './toolbar-button';

export const EXTENSION_ID = 'segment-any-tissue';


const extension = {
  id: EXTENSION_ID,
  version: '0.1.0',
  preRegistration({ servicesManager, commandsManager, extensionManager, appConfig, configuration }: { servicesManager: unknown; commandsManager: unknown; extensionManager: unknown; appConfig?: unknown; configuration?: unknown }) {
    setHostManagers({ servicesManager, commandsManager, extensionManager });
    setModelConfig(appConfig, configuration);
  },
  getCommandsModule() {
    return {
      definitions: {
        runSegmentAnyTissue: {
          commandFn: () => { showPanel(); void runSegmentAnyTissue(); },
        },
        showSegmentAnyTissuePanel: { commandFn: () => showPanel() },
      },
      defaultContext: 'VIEWER',
    };
  },
  getCustomizationModule() {
    return [{ name: 'default', value: { 'sat.toolbarButtons': [toolbarButton] } }];
  },
};

export default extension;
