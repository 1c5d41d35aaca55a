/** The state of one Segment Any Tissue run, shared by the controller and the panel. */
export type Phase = 'idle' | 'preparing' | 'running' | 'review' | 'accepted' | 'error' | 'cancelled';

export interface RunState {
  phase: Phase;
  message: string;
  /** kind: embedded, learned, or mixed (one stage each); device: WebGPU or WASM (threads); why: the reasons. */
  backend?: { kind: 'embedded' | 'learned' | 'mixed'; encoder: string; segmenter: string; device: string; why: string };
  fraction: number;
  stage: string;
  secondsLeft?: number;
  /** Per slice (k) confidence of the result, NaN where not segmented. */
  confidence: number[];
  annotatedSlices: number[];
  labels: { value: number; name: string }[];
  seconds?: number;
  /** Which slices the run used as references, e.g. "reference slices: 43 (drawn), 58 (corrected)". */
  references?: string;
  /** A finished result is on show (also after a later run was cancelled or failed). */
  hasResult?: boolean;
  export?: { state: 'storing' | 'stored' | 'failed' | 'downloaded'; message: string };
}

export const initialState: RunState = { phase: 'idle', message: '', fraction: 0, stage: '', confidence: [], annotatedSlices: [], labels: [] };

type Listener = (s: RunState) => void;
let state: RunState = initialState;
const listeners = new Set<Listener>();

export const runStore = {
  get: () => state,
  set(patch: Partial<RunState>) {
    state = { ...state, ...patch };
    listeners.forEach((l) => l(state));
    (globalThis as { __satState?: RunState }).__satState = state; // read by the e2e test
  },
  reset() { this.set({ ...initialState }); },
  subscribe(l: Listener) { listeners.add(l); return () => listeners.delete(l); },
};
