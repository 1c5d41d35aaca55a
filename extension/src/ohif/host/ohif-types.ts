/**
 * The parts of OHIF 3.13 that the host adapter uses, written by hand: @ohif/core 3.13.2 on
 * npm ships no TypeScript sources for its declared types. Cornerstone's own types come from
 * @cornerstonejs/core and @cornerstonejs/tools 5.6.8, the versions OHIF 3.13.2 bundles.
 */
import type * as CornerstoneCore from '@cornerstonejs/core';
import type * as CornerstoneTools from '@cornerstonejs/tools';
import type { Types as ToolTypes } from '@cornerstonejs/tools';

export type Cornerstone = typeof CornerstoneCore;
export type Tools = typeof CornerstoneTools;
export type Segmentation = ToolTypes.Segmentation;

export interface DisplaySet {
  displaySetInstanceUID: string;
  imageIds?: string[];
  /** Naturalized instance metadata, in imageIds order. */
  instances?: Record<string, unknown>[];
  Modality?: string;
  SeriesDescription?: string;
  SeriesInstanceUID?: string;
  StudyInstanceUID?: string;
  SOPClassHandlerId?: string;
  /** A derived display set (SEG, RTSTRUCT): the display set of the series it references, once that one exists. */
  referencedDisplaySetInstanceUID?: string | null;
  /** SEG: the naturalized instance its handler reads. */
  instance?: Record<string, unknown>;
  /** SEG, RTSTRUCT: reads the object and creates its segmentation (id: displaySetInstanceUID). */
  load?(options: { headers?: Record<string, string> }): Promise<unknown>;
}

export interface ViewportGridState {
  activeViewportId: string;
  viewports: Map<string, { viewportId: string; displaySetInstanceUIDs: string[] }>;
}

export interface PubSubService {
  subscribe(event: string, callback: (payload: unknown) => void): { unsubscribe(): void };
}

export interface EventsOf extends PubSubService {
  EVENTS: Record<string, string>;
}

export interface SegmentationService extends PubSubService {
  EVENTS: Record<string, string>;
  getSegmentation(segmentationId: string): Segmentation | undefined;
  getSegmentations(): Segmentation[];
  getActiveSegmentation(viewportId: string): Segmentation | null | undefined;
  setActiveSegmentation(viewportId: string, segmentationId: string): void;
  createLabelmapForDisplaySet(
    displaySet: DisplaySet,
    options: { label: string; segments: Record<number, { label: string; active?: boolean }> },
  ): Promise<string>;
  addSegmentationRepresentation(viewportId: string, options: { segmentationId: string; type?: string }): Promise<void>;
  getSegmentationRepresentations(viewportId: string, specifier?: { segmentationId?: string }): { segmentationId: string }[];
  setSegmentColor(viewportId: string, segmentationId: string, segmentIndex: number, color: number[]): void;
  getSegmentColor(viewportId: string, segmentationId: string, segmentIndex: number): ArrayLike<number> | undefined;
  setSegmentLabel(segmentationId: string, segmentIndex: number, label: string): void;
  addSegment(segmentationId: string, config: { segmentIndex: number; label: string }): void;
  remove(segmentationId: string): void;
}

export interface OhifServices {
  viewportGridService: EventsOf & { getState(): ViewportGridState; getActiveViewportId(): string };
  displaySetService: EventsOf & { getDisplaySetByUID(uid: string): DisplaySet | undefined; getActiveDisplaySets(): DisplaySet[] };
  segmentationService: SegmentationService;
  cornerstoneViewportService: EventsOf & { getCornerstoneViewport(viewportId: string): CornerstoneCore.Types.IViewport | undefined };
  userAuthenticationService?: { getAuthorizationHeader?(): Record<string, string> | undefined };
  uiNotificationService?: { show(options: { title: string; message: string; type: 'success' | 'error' | 'info' | 'warning' }): void };
  panelService?: { activatePanel(panelId: string, forceActive?: boolean): void };
  toolbarService?: ToolbarService;
}

export interface ToolbarService {
  getButtonSection?(sectionId: string): { id: string }[] | undefined;
  updateSection(sectionId: string, buttonIds: string[]): void;
  state?: { toolbarSections?: Record<string, string[]> };
}

export interface ServicesManager {
  services: OhifServices;
}

export interface DataSource {
  query?: { series?: { search?(studyInstanceUid: string): Promise<{ seriesInstanceUid?: string; modality?: string }[]> } };
  store?: { dicom?(dataset: ArrayBuffer): Promise<void> };
  getConfig?(): { wadoRoot?: string; friendlyName?: string } | undefined;
}

export interface ExtensionManager {
  getModuleEntry(id: string): unknown;
  getActiveDataSource(): DataSource[];
}

export interface CommandsManager {
  runCommand(name: string, options?: Record<string, unknown>, context?: string): unknown;
}

/** What OHIF passes to an extension's preRegistration and module getters. */
export interface OhifManagers {
  servicesManager: ServicesManager;
  commandsManager: CommandsManager;
  extensionManager: ExtensionManager;
}

/** The cornerstone extension's utility module, the supported way to reach the host's cornerstone. */
export interface CornerstoneUtilityModule {
  exports: { getCornerstoneLibraries(): { cornerstone: Cornerstone; cornerstoneTools: Tools } };
}
