/**
 * Our panel, in its own React root (the host does not expose its React): backend, progress
 * with time left, Cancel, per-slice confidence, next doubtful slice, accept/discard, export.
 */
import React, { useEffect, useState } from 'react';
import { RunState, runStore } from '../ohif/run-store';
import * as ctl from '../ohif/sat-controller';

const box: React.CSSProperties = {
  position: 'fixed', right: 12, bottom: 12, width: 320, zIndex: 1000, background: '#090c29', color: '#e1e1e1',
  border: '1px solid #3a3f99', borderRadius: 6, padding: 10, font: '13px system-ui, sans-serif', boxShadow: '0 2px 12px #0008',
};
const btn: React.CSSProperties = { background: '#348cfd', color: '#fff', border: 0, borderRadius: 4, padding: '4px 8px', marginRight: 6, marginTop: 6, cursor: 'pointer' };

function fmt(s?: number): string {
  if (s === undefined || !Number.isFinite(s)) return 'estimating…';
  return s < 60 ? `${Math.ceil(s)} s left` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s left`;
}

function ConfidenceStrip({ s }: { s: RunState }) {
  if (!s.confidence.length) return null;
  return (
    <div title="Per-slice confidence (green high, red low, grey not segmented, blue: reference slices, drawn or corrected)" style={{ display: 'flex', height: 14, marginTop: 6 }} data-testid="sat-confidence">
      {s.confidence.map((c, k) => {
        const ref = s.annotatedSlices.includes(k);
        const bg = ref ? '#348cfd' : Number.isNaN(c) ? '#444' : `hsl(${Math.round(120 * Math.max(0, Math.min(1, c)))},70%,45%)`;
        return <div key={k} style={{ flex: 1, background: bg, marginRight: 1 }} title={`slice ${k + 1}: ${ref ? 'reference' : Number.isNaN(c) ? '—' : c.toFixed(2)}`} />;
      })}
    </div>
  );
}

export function SatPanel({ onClose }: { onClose: () => void }) {
  const [s, setS] = useState<RunState>(runStore.get());
  useEffect(() => { const off = runStore.subscribe(setS); return () => { off(); }; }, []);
  const busy = s.phase === 'running' || s.phase === 'preparing';
  const done = !busy && (s.phase === 'review' || s.phase === 'accepted' || Boolean(s.hasResult));
  return (
    <div style={box} data-testid="sat-panel">
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <b>Segment Any Tissue</b>
        <span style={{ cursor: 'pointer' }} onClick={onClose} title="Close">✕</span>
      </div>
      {s.backend && (
        <div style={{ marginTop: 4, color: '#9ac' }} data-testid="sat-backend">
          Backend: {s.backend.kind === 'mixed' ? 'learned + embedded' : s.backend.kind} models ({s.backend.encoder} + {s.backend.segmenter}),{' '}
          <span data-testid="sat-device">{s.backend.device}</span> — {s.backend.why}
        </div>
      )}
      {busy && (
        <div>
          <div style={{ background: '#222', height: 8, borderRadius: 4, marginTop: 6 }}>
            <div style={{ width: `${Math.round(s.fraction * 100)}%`, background: '#5acce6', height: 8, borderRadius: 4 }} data-testid="sat-progress" />
          </div>
          <div style={{ marginTop: 4 }} data-testid="sat-stage">{s.stage}{s.fraction > 0 ? ` · ${fmt(s.secondsLeft)}` : ''}</div>
          <button style={{ ...btn, background: '#a33' }} data-testid="sat-cancel" onClick={() => ctl.cancelRun()}>Cancel</button>
        </div>
      )}
      <div style={{ marginTop: 6 }} data-testid="sat-message">{s.message}</div>
      {s.references && (s.phase !== 'idle') && <div style={{ marginTop: 4, color: '#9ac' }} data-testid="sat-references">{s.references}</div>}
      <ConfidenceStrip s={s} />
      {done && (
        <div>
          <button style={btn} onClick={() => ctl.goToNextDoubtful()}>Next doubtful slice</button>
          {s.phase === 'review' && <button style={btn} onClick={() => ctl.acceptResult()}>Accept</button>}
          <button style={{ ...btn, background: '#666' }} onClick={() => ctl.discardResult()}>Discard</button>
          <div>
            <button style={btn} data-testid="sat-store" onClick={() => ctl.storeSeg()}>Store to PACS</button>
            <button style={btn} data-testid="sat-download" onClick={() => ctl.downloadSeg()}>Download DICOM-SEG</button>
          </div>
        </div>
      )}
      {s.export && <div style={{ marginTop: 6 }} data-testid="sat-export">{s.export.message}</div>}
      {(s.phase === 'idle' || s.phase === 'error' || s.phase === 'cancelled') && !s.hasResult && (
        <div style={{ marginTop: 4, color: '#aaa' }}>Paint the tissue on one slice (Segmentation panel → brush), then press Segment Any Tissue.</div>
      )}
      {done && (
        <div style={{ marginTop: 4, color: '#aaa' }}>To correct: make the SAT segmentation active, fix slices with the brush or eraser (erasing a slice empty means the tissue ends there), and press Segment Any Tissue again.</div>
      )}
    </div>
  );
}
