/**
 * What the panel shows, and the phases a run goes through (a small state machine: every
 * change of phase goes through `nextPhase`, which refuses the ones that make no sense).
 */
import type { StripCell } from '../review/strip';
import type { TissueName } from '../review/tissue-names';
import type { LabelCount } from '../review/result-names';

/**
 * idle: nothing on show. preparing: reading the series and the drawing. running: the engine
 * works. review: a result is on show. accepted: the user accepted it (export, or correct and
 * run again).
 */
export type Phase = 'idle' | 'preparing' | 'running' | 'review' | 'accepted';

const ALLOWED: Record<Phase, readonly Phase[]> = {
  idle: ['preparing', 'review', 'accepted'], // review, accepted: a run redone (Ctrl+Y)
  preparing: ['running', 'idle', 'review', 'accepted'],
  running: ['review', 'idle', 'accepted'],
  review: ['preparing', 'accepted', 'idle', 'review'],
  accepted: ['preparing', 'review', 'idle', 'accepted'],
};

export function nextPhase(from: Phase, to: Phase): Phase {
  if (from !== to && !ALLOWED[from].includes(to)) throw new Error(`Segment Any Tissue: no way from ${from} to ${to}`);
  return to;
}

export const isBusy = (p: Phase) => p === 'preparing' || p === 'running';

/** Which models run, on which device, and why (the one status line and its detail). */
export interface BackendLine {
  kind: 'embedded' | 'learned' | 'mixed';
  encoder: string;
  segmenter: string;
  device: string;
  why: string;
}

export interface LabelView {
  value: number;
  /** The name of the user's segment this label came from. */
  segmentName: string;
  tissue?: TissueName;
}

export interface ResultView {
  segmentationId: string;
  cells: StripCell[];
  /** "reference slices: 9 (corrected), 17 (drawn)", in the viewer's slice numbers. */
  references: string;
  labels: LabelView[];
  summary: string;
  /** What the summary is made of, so it follows the tissue's name. */
  seconds: number;
  counts: LabelCount[];
  /** Slices worth a second look (k), in slice order, and where the walk is (-1: not started). */
  doubtful: number[];
  ends: number[];
  doubtfulAt: number;
}

export interface ExportState {
  state: 'storing' | 'stored' | 'failed' | 'downloaded' | 'building';
  message: string;
}

export interface SatState {
  phase: Phase;
  /** The viewer's number for each slice k of the series on show. */
  sliceNumbers: readonly number[];
  backend?: BackendLine;
  progress?: { fraction: number; stage: string; secondsLeft?: number };
  /** The strip while a run streams its slices. */
  liveCells?: StripCell[];
  /** The result on show (also kept while a later run is busy, or after it failed or was cancelled). */
  result?: ResultView;
  notice?: { text: string; kind: 'info' | 'error' };
  /** The slice (k) the viewer shows, marked on the strip. */
  shownSlice?: number;
  exporting?: ExportState;
}

export const INITIAL_STATE: SatState = { phase: 'idle', sliceNumbers: [] };

type Listener = (s: SatState) => void;

/** The state, observable by the panel. */
export class StateStore {
  private state: SatState = INITIAL_STATE;
  private readonly listeners = new Set<Listener>();

  get(): SatState {
    return this.state;
  }

  set(patch: Partial<SatState>): void {
    if (patch.phase) patch = { ...patch, phase: nextPhase(this.state.phase, patch.phase) };
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l(this.state));
  }

  replace(state: SatState): void {
    nextPhase(this.state.phase, state.phase);
    this.state = state;
    this.listeners.forEach((l) => l(this.state));
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
