/**
 * The Segment Any Tissue mode: OHIF's segmentation mode (brush, eraser, threshold, segment
 * list) plus our toolbar button and panel. Derived at runtime via loadModules, since the
 * prebuilt viewer cannot be rebuilt.
 */
import { toolbarButton } from '../../extension/src/ohif/toolbar-button';

/* eslint-disable @typescript-eslint/no-explicit-any */
const id = 'segment-any-tissue-mode';
declare const __webpack_public_path__: string;
// The extension sits next to this module; webpack's 'auto' public path is this module's folder.
const extensionUrl = () => new URL('extension.js', __webpack_public_path__).href;

const mode = {
  id,
  async modeFactory({ modeConfiguration, loadModules }: { modeConfiguration?: any; loadModules: (m: string[]) => Promise<any[]> }) {
    const [seg] = await loadModules(['@ohif/mode-segmentation']);
    const base = seg.modeFactory.call(seg, { modeConfiguration: modeConfiguration ?? {} });
    return {
      ...base,
      id,
      routeName: 'segment-any-tissue',
      displayName: 'Segment Any Tissue',
      extensions: { ...base.extensions, [extensionUrl()]: '^0.1.0' },
      onModeEnter(this: any, ctx: any) {
        base.onModeEnter.call(this, ctx);
        const { toolbarService } = ctx.servicesManager.services;
        toolbarService.register([toolbarButton]);
        const primary: string[] = toolbarService.state?.toolbarSections?.primary ?? toolbarService.getButtonSection?.('primary')?.map((b: any) => b.id) ?? [];
        const ids = primary.length ? primary : ['WindowLevel', 'Pan', 'Zoom', 'TrackballRotate', 'Capture', 'Layout', 'Crosshairs', 'MoreTools'];
        toolbarService.updateSection('primary', [...ids.filter((b) => b !== 'SegmentAnyTissue'), 'SegmentAnyTissue']);
      },
    };
  },
};

export default mode;
