/** The panel's look, close to OHIF's dark side panels. */
import type { CSSProperties } from 'react';

export const colors = {
  text: '#e1e1e1',
  muted: '#8f9bb3',
  accent: '#5acce6',
  button: '#348cfd',
  danger: '#c0392b',
  reference: '#348cfd',
  border: '#3a3f99',
  error: '#ff7070',
  doubt: '#ffb020',
};

export const panel: CSSProperties = { color: colors.text, font: '13px system-ui, sans-serif', padding: '8px 10px', borderTop: `1px solid ${colors.border}` };
/** Long messages (a PACS refusal, a file name) wrap inside the panel instead of running past its edge. */
export const row: CSSProperties = { marginTop: 6, overflowWrap: 'anywhere', wordBreak: 'break-word' };
export const muted: CSSProperties = { color: colors.muted };
export const button: CSSProperties = { background: colors.button, color: '#fff', border: 0, borderRadius: 4, padding: '4px 8px', marginRight: 6, marginTop: 6, cursor: 'pointer' };
export const quiet: CSSProperties = { ...button, background: '#444b66' };
export const disabled: CSSProperties = { opacity: 0.45, cursor: 'default' };
export const link: CSSProperties = { background: 'none', border: 0, color: colors.accent, cursor: 'pointer', padding: 0, marginLeft: 6, font: 'inherit' };
export const input: CSSProperties = { maxWidth: '100%', background: '#151a3d', color: colors.text, border: `1px solid ${colors.border}`, borderRadius: 3, padding: '2px 4px', font: 'inherit' };
