/** Our toolbar button (registered by the mode, which adds it to the primary toolbar). */
export const toolbarButton = {
  id: 'SegmentAnyTissue',
  uiType: 'ohif.toolButton',
  props: {
    icon: 'icon-tool-brush',
    label: 'Segment Any Tissue',
    tooltip: 'Segment Any Tissue: propagate your drawing on one slice through the whole series',
    commands: 'runSegmentAnyTissue',
    evaluate: 'evaluate.action',
  },
};
