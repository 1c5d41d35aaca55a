/** The source instances' DICOM metadata, in volume order, as the SEG writer takes them. */
import type { DicomInstanceMeta } from '../../engine';
import type { HostContext } from './context';
import type { SeriesLayout } from './series';

interface Plane {
  rowCosines: ArrayLike<number>;
  columnCosines: ArrayLike<number>;
  rowPixelSpacing: number;
  columnPixelSpacing: number;
  rows: number;
  columns: number;
}

export function sourceInstanceMetas(ctx: HostContext, layout: SeriesLayout): DicomInstanceMeta[] {
  const { displaySet } = layout;
  const byImageId = new Map<string, Record<string, unknown>>();
  const instances = displaySet.instances ?? [];
  (displaySet.imageIds ?? []).forEach((id, i) => instances[i] && byImageId.set(id, instances[i]));
  return layout.imageIds.map((imageId, k) => {
    const inst = byImageId.get(imageId) ?? (ctx.cornerstone.metaData.get('instance', imageId) as Record<string, unknown> | undefined);
    if (!inst) throw new Error('The viewer has no DICOM metadata for this series; it cannot be exported as DICOM-SEG.');
    const plane = ctx.cornerstone.metaData.get('imagePlaneModule', imageId) as Plane;
    const dataset: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(inst)) if (/^[A-Z]/.test(key) && typeof v !== 'function') dataset[key] = v;
    return {
      sopClassUID: String(inst.SOPClassUID),
      sopInstanceUID: String(inst.SOPInstanceUID),
      instanceNumber: inst.InstanceNumber != null ? Number(inst.InstanceNumber) : undefined,
      imagePositionPatient: layout.positions[k],
      imageOrientationPatient: [...Array.from(plane.rowCosines), ...Array.from(plane.columnCosines)].map(Number) as DicomInstanceMeta['imageOrientationPatient'],
      pixelSpacing: [Number(plane.rowPixelSpacing), Number(plane.columnPixelSpacing)],
      rows: Number(plane.rows),
      columns: Number(plane.columns),
      dataset,
    };
  });
}
