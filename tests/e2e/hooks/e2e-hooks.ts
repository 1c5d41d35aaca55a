/**
 * Test-only OHIF extension for the browser end-to-end tests: built as e2e-hooks.js by
 * `webpack --env e2e` and added to the app config by the tests themselves (never by the
 * app config the server hands out), so none of this is in the production bundle. It reaches
 * the tool through the extension's utility module, and exposes window.__sat for the tests.
 */
import type { SatController } from '../../../extension/src/ohif/controller/sat-controller';
import type { ViewerHost } from '../../../extension/src/ohif/controller/viewer-host';
import { UTILITY_MODULE_ID } from '../../../extension/src/ohif/ids';
import type { CornerstoneUtilityModule, ExtensionManager } from '../../../extension/src/ohif/host/ohif-types';

interface SatUtility {
  exports: { controller(): SatController; host(): ViewerHost };
}

function install(extensionManager: ExtensionManager): void {
  const sat = () => (extensionManager.getModuleEntry(UTILITY_MODULE_ID) as SatUtility).exports;
  const libs = () => (extensionManager.getModuleEntry('@ohif/extension-cornerstone.utilityModule.common') as CornerstoneUtilityModule).exports.getCornerstoneLibraries();
  const series = () => sat().host().activeSeries();
  const toBase64 = (v: Uint8Array) => {
    let b = '';
    for (let i = 0; i < v.length; i += 0x8000) b += String.fromCharCode(...v.subarray(i, i + 0x8000));
    return btoa(b);
  };
  // Runs that have finished (done, failed or cancelled), for the tests to wait on.
  let settledRuns = 0;
  let busy = false;
  let subscribed = false;
  /** The last run's time-left estimates: when (ms, page clock), the phase, the estimate (s). */
  let timeline: { t: number; phase: string; secondsLeft?: number }[] = [];
  const watchRuns = () => {
    if (subscribed) return;
    subscribed = true;
    sat().controller().stateStore.subscribe((st) => {
      const nowBusy = st.phase === 'preparing' || st.phase === 'running';
      if (!busy && nowBusy) timeline = [];
      if (nowBusy || busy) timeline.push({ t: performance.now(), phase: st.phase, secondsLeft: st.progress?.secondsLeft });
      if (busy && !nowBusy) settledRuns++;
      busy = nowBusy;
    });
  };
  (window as unknown as Record<string, unknown>).__sat = {
    state: () => (watchRuns(), sat().controller().state),
    settledRuns: () => (watchRuns(), settledRuns),
    timeline: () => timeline,
    setBrushSize: (mm: number) => {
      const services = (window as unknown as { services: { toolGroupService: { getToolGroupForViewport(id: string): { id: string } }; viewportGridService: { getActiveViewportId(): string } } }).services;
      const group = services.toolGroupService.getToolGroupForViewport(services.viewportGridService.getActiveViewportId());
      libs().cornerstoneTools.utilities.segmentation.setBrushSizeForToolGroup(group.id, mm);
    },
    resultId: () => sat().controller().resultSegmentationId,
    series: () => {
      const s = series();
      return { geometry: s.geometry, sliceNumbers: s.sliceNumbers, key: s.key };
    },
    readSegmentation: async (id?: string) => {
      const target = id ?? sat().controller().resultSegmentationId;
      return target ? toBase64(await series().readLabelmap(target)) : undefined;
    },
    showSlice: (k: number) => series().showSlice(k),
    /**
     * bench:viewer --alone: the engine in a fresh worker on the series and a drawing, with
     * nothing painted and the panel untouched (an idle viewer); the worker's own seconds.
     */
    engineAlone: async (drawingId: string) => {
      const s = series();
      const image = await s.loadImage();
      const mask = await s.readLabelmap(drawingId);
      const worker = sat().host().startWorker(undefined);
      return new Promise<number>((resolve, reject) => {
        worker.onMessage((m) => {
          if (m.type === 'done') resolve(m.result.seconds);
          else if (m.type === 'error') reject(new Error(m.message));
          if (m.type === 'done' || m.type === 'error') worker.terminate();
        });
        worker.post({ type: 'run', image: { ...s.geometry, data: image, channels: 1, modality: s.modality }, referenceMask: { ...s.geometry, data: mask } }, [image.buffer as ArrayBuffer, mask.buffer as ArrayBuffer]);
      });
    },
    /** How many images of the active viewport's series cornerstone holds decoded now (bench:viewer). */
    cachedFrames: () => {
      const w = window as unknown as { services: { viewportGridService: { getState(): { activeViewportId: string; viewports: Map<string, { displaySetInstanceUIDs?: string[] }> } }; displaySetService: { getDisplaySetByUID(uid: string): { imageIds?: string[] } | undefined } } };
      const grid = w.services.viewportGridService.getState();
      const uid = grid.viewports.get(grid.activeViewportId)?.displaySetInstanceUIDs?.[0];
      const ids = (uid && w.services.displaySetService.getDisplaySetByUID(uid)?.imageIds) || [];
      const { cache } = libs().cornerstone;
      return { cached: ids.filter((id) => cache.getImage(id)).length, total: ids.length };
    },
    /** Page coordinates of pixel (i, j) of slice k, as an affine (for scripted brush strokes). */
    pixelToPage: (k: number) => {
      const s = series();
      const g = s.geometry;
      const { cornerstone } = libs();
      const vpId = (window as unknown as { services: { viewportGridService: { getActiveViewportId(): string } } }).services.viewportGridService.getActiveViewportId();
      const vp = (cornerstone.getRenderingEngines() ?? []).map((e) => e.getViewport(vpId)).find(Boolean)!;
      const d = g.direction;
      const sp = g.spacing;
      const world = (i: number, j: number): [number, number, number] => {
        const o = [0, 1, 2].map((a) => g.origin[a] + k * sp[2] * d[a * 3 + 2]);
        return [o[0] + i * sp[0] * d[0] + j * sp[1] * d[1], o[1] + i * sp[0] * d[3] + j * sp[1] * d[4], o[2] + i * sp[0] * d[6] + j * sp[1] * d[7]];
      };
      const r = vp.element.getBoundingClientRect();
      const c = (i: number, j: number) => {
        const q = vp.worldToCanvas(world(i, j));
        return [q[0] + r.left, q[1] + r.top];
      };
      const o = c(0, 0), a = c(1, 0), b = c(0, 1);
      return { o, di: [a[0] - o[0], a[1] - o[1]], dj: [b[0] - o[0], b[1] - o[1]] };
    },
  };
}

export default {
  id: 'segment-any-tissue-e2e-hooks',
  preRegistration({ extensionManager }: { extensionManager: ExtensionManager }) {
    install(extensionManager);
  },
};
