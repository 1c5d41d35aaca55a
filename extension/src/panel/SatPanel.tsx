/**
 * The tool's panel, docked under OHIF's segmentation panel: status line, progress with time
 * left and Cancel, the review strip, next doubtful slice, accept/discard, naming the tissue,
 * export. It renders the controller's state and calls its methods; it holds no state of the run.
 */
import React, { useEffect, useState } from 'react';
import type { SatController } from '../ohif/controller/sat-controller';
import { isBusy, SatState } from '../ohif/controller/run-state';
import { namingProblem } from '../ohif/controller/seg-export';
import { doubtReason } from '../ohif/review/doubtful';
import { ReviewStrip } from './ReviewStrip';
import { StatusLine } from './StatusLine';
import { TissueNamer } from './TissueNamer';
import { button, colors, disabled, muted, panel, quiet, row } from './styles';

function timeLeft(s?: number): string {
  if (s === undefined || !Number.isFinite(s)) return 'estimating time left…';
  return s < 60 ? `about ${Math.max(1, Math.round(s))} s left` : `about ${Math.floor(s / 60)} min ${Math.round(s % 60)} s left`;
}

function Progress({ s, onCancel }: { s: SatState; onCancel: () => void }) {
  const p = s.progress;
  return (
    <div style={row}>
      <div style={{ background: '#222', height: 6, borderRadius: 3 }}>
        <div style={{ width: `${Math.round((p?.fraction ?? 0) * 100)}%`, background: colors.accent, height: 6, borderRadius: 3 }} data-testid="sat-progress" />
      </div>
      <div style={{ ...row, ...muted }} data-testid="sat-stage">
        {p?.stage}
        {s.phase === 'running' && (p?.fraction ?? 0) > 0 ? ` · ${timeLeft(p?.secondsLeft)}` : ''}
      </div>
      <button style={{ ...button, background: colors.danger }} data-testid="sat-cancel" onClick={onCancel}>Cancel</button>
    </div>
  );
}

function Doubtful({ s, ctl }: { s: SatState; ctl: SatController }) {
  const r = s.result!;
  if (!r.doubtful.length) return <div style={{ ...row, ...muted }} data-testid="sat-doubtful">No doubtful slices.</div>;
  const at = r.doubtfulAt;
  const k = at >= 0 ? r.doubtful[at] : undefined;
  return (
    <div style={row} data-testid="sat-doubtful">
      <button style={quiet} data-testid="sat-next-doubtful" onClick={() => ctl.nextDoubtful()}>Next doubtful slice ({r.doubtful.length})</button>
      {k !== undefined && (
        <span style={muted}>
          {at + 1} of {r.doubtful.length}: slice {s.sliceNumbers[k]}, {doubtReason(r.cells[k], r.ends.includes(k))}
        </span>
      )}
    </div>
  );
}

function Export({ s, ctl }: { s: SatState; ctl: SatController }) {
  const r = s.result!;
  const problem = namingProblem(r.labels);
  const busy = s.exporting?.state === 'storing' || s.exporting?.state === 'building';
  const off = Boolean(problem) || busy;
  return (
    <div style={row}>
      <TissueNamer labels={r.labels} onName={(v, n) => ctl.nameTissue(v, n)} />
      <button style={{ ...button, ...(off ? disabled : {}) }} disabled={off} data-testid="sat-store" onClick={() => void ctl.store()}>Store to PACS</button>
      <button style={{ ...button, ...(off ? disabled : {}) }} disabled={off} data-testid="sat-download" onClick={() => void ctl.download()}>Download DICOM-SEG</button>
      {problem && <div style={{ ...row, ...muted }} data-testid="sat-name-hint">{problem}</div>}
      {s.exporting && <div style={{ ...row, color: s.exporting.state === 'failed' ? colors.error : colors.text }} data-testid="sat-export">{s.exporting.message}</div>}
    </div>
  );
}

export function SatPanel({ ctl }: { ctl: SatController }) {
  const [s, setS] = useState<SatState>(ctl.state);
  useEffect(() => ctl.stateStore.subscribe(setS), [ctl]);
  const busy = isBusy(s.phase);
  const r = s.result;
  const shown = r && !busy;
  const current = r && r.doubtfulAt >= 0 ? r.doubtful[r.doubtfulAt] : undefined;
  return (
    <div style={panel} data-testid="sat-panel" data-phase={s.phase}>
      <b>Segment Any Tissue</b>
      <StatusLine backend={s.backend} />
      {busy && <Progress s={s} onCancel={() => ctl.cancel()} />}
      {s.notice && <div style={{ ...row, color: s.notice.kind === 'error' ? colors.error : colors.text }} data-testid="sat-message">{s.notice.text}</div>}
      {busy && s.liveCells && <ReviewStrip cells={s.liveCells} sliceNumbers={s.sliceNumbers} />}
      {shown && (
        <>
          <div style={{ ...row, ...muted }} data-testid="sat-references">{r.references}</div>
          <ReviewStrip cells={r.cells} sliceNumbers={s.sliceNumbers} current={current} shown={s.shownSlice} onPick={(k) => ctl.showSlice(k)} />
          <Doubtful s={s} ctl={ctl} />
          <div>
            {s.phase === 'review' && <button style={button} data-testid="sat-accept" onClick={() => ctl.accept()}>Accept</button>}
            <button style={quiet} data-testid="sat-discard" onClick={() => ctl.discard()}>Discard</button>
          </div>
          <Export s={s} ctl={ctl} />
          <div style={{ ...row, ...muted }}>To correct: make the “SAT: …” segmentation active, fix slices with the brush or eraser (a slice erased empty means the tissue ends there), and run again.</div>
        </>
      )}
      {!busy && !r && (
        <div style={{ ...row, ...muted }} data-testid="sat-hint">
          Paint the tissue on one slice (Add segmentation, then the brush), then press
          <button style={button} data-testid="sat-run" onClick={() => void ctl.run()}>Segment Any Tissue</button>
        </div>
      )}
    </div>
  );
}
