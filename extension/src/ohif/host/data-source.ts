/**
 * Storing through OHIF's active data source (its store.dicom: STOW-RS with the data source's
 * own root and authorization headers), and downloading a file.
 */
import type { HostContext } from './context';

export async function storeThroughDataSource(ctx: HostContext, bytes: Uint8Array): Promise<void> {
  const ds = ctx.extensionManager.getActiveDataSource()?.[0];
  const store = ds?.store?.dicom;
  if (!store) throw new Error('the active data source cannot store DICOM (it has no STOW-RS)');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    await store.call(ds!.store, buffer);
  } catch (e) {
    throw new Error(`the PACS refused or did not answer (${storeFailure(e)})`);
  }
}

/** dicomweb-client rejects with the XHR or a plain Error; say what happened in a few words. */
function storeFailure(e: unknown): string {
  const x = e as { status?: number; statusText?: string; message?: string; request?: { status?: number; statusText?: string } };
  const status = x?.status ?? x?.request?.status;
  if (status) return `HTTP ${status}${x.statusText || x.request?.statusText ? ` ${x.statusText ?? x.request?.statusText}` : ''}`;
  return x?.message || 'no answer';
}

export function downloadFile(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/dicom' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
