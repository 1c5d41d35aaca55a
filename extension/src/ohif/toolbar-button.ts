/** Our toolbar button, registered through the extension's customization module for modes to reference. */
import { COMMANDS, TOOLBAR_BUTTON_ID } from './ids';

export const toolbarButton = {
  id: TOOLBAR_BUTTON_ID,
  uiType: 'ohif.toolButton',
  props: {
    icon: 'icon-tool-brush',
    label: 'Segment Any Tissue',
    tooltip: 'Segment Any Tissue: propagate your drawing on one slice through the whole series',
    commands: COMMANDS.run,
    evaluate: 'evaluate.action',
  },
};
