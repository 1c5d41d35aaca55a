/** Naming each segment's tissue before export: a preset (SNOMED CT coded) or free text. */
import React from 'react';
import type { LabelView } from '../ohif/controller/run-state';
import { PRESET_OPTIONS, TissueName, tissueNameProblem } from '../ohif/review/tissue-names';
import { colors, input, row } from './styles';

const FREE = '__free_text__';

function TissueRow({ label, many, onName }: { label: LabelView; many: boolean; onName: (n: TissueName) => void }) {
  const t = label.tissue;
  const selected = t === undefined ? '' : 'preset' in t ? t.preset : FREE;
  const problem = t ? tissueNameProblem(t) : undefined;
  return (
    <div style={row}>
      <label>
        {many ? `${label.segmentName}: ` : 'Tissue: '}
        <select
          style={input}
          value={selected}
          data-testid="sat-tissue-preset"
          onChange={(e) => onName(e.target.value === FREE ? { text: '' } : { preset: e.target.value })}
        >
          <option value="" disabled>choose…</option>
          {PRESET_OPTIONS.map((p) => <option key={p.key} value={p.key}>{p.label} ({p.code})</option>)}
          <option value={FREE}>Other (type a name)</option>
        </select>
      </label>
      {t && 'text' in t && (
        <input style={{ ...input, marginLeft: 6, width: 140 }} data-testid="sat-tissue-text" placeholder="tissue name" value={t.text} maxLength={80} onChange={(e) => onName({ text: e.target.value })} />
      )}
      {problem && t && 'text' in t && t.text && <div style={{ color: colors.error }}>{problem}</div>}
    </div>
  );
}

export function TissueNamer({ labels, onName }: { labels: readonly LabelView[]; onName: (value: number, n: TissueName) => void }) {
  return <div data-testid="sat-tissue">{labels.map((l) => <TissueRow key={l.value} label={l} many={labels.length > 1} onName={(n) => onName(l.value, n)} />)}</div>;
}
