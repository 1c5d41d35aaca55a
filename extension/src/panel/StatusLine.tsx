/** The one status line: which models run where; why, in a detail toggle. */
import React, { useState } from 'react';
import type { BackendLine } from '../ohif/controller/run-state';
import { link, muted, row } from './styles';

const KIND = { embedded: 'Embedded models', learned: 'Learned models', mixed: 'Learned + embedded models' } as const;

export function StatusLine({ backend }: { backend?: BackendLine }) {
  const [open, setOpen] = useState(false);
  if (!backend) return null;
  return (
    <div style={{ ...row, ...muted }} data-testid="sat-backend">
      {KIND[backend.kind]} · <span data-testid="sat-device">{backend.device}</span>
      <button style={link} onClick={() => setOpen(!open)} aria-expanded={open}>{open ? 'hide details' : 'details'}</button>
      {open && (
        <div style={row} data-testid="sat-backend-detail">
          Patch encoder: {backend.encoder}. Segmenter: {backend.segmenter}. {backend.why}
        </div>
      )}
    </div>
  );
}
