/** Source-series metadata built in memory, for SEG writer tests without files. */
import { DicomInstanceMeta, LabelVolume, Mat3, Vec3 } from '../../extension/src/engine/image/types';

export function syntheticSeries(columns: number, rows: number, slices: number, opts: { spacing?: [number, number, number]; origin?: Vec3; seriesUID?: string } = {}): { instances: DicomInstanceMeta[]; grid: Omit<LabelVolume, 'data'> } {
  const spacing = opts.spacing ?? [0.8, 0.7, 2.5];
  const origin = opts.origin ?? [-100.25, -80.5, 30];
  const instances: DicomInstanceMeta[] = [];
  for (let k = 0; k < slices; k++) {
    const uid = `1.2.826.0.1.3680043.8.498.1${k + 1}`;
    instances.push({
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUID: uid,
      instanceNumber: k + 1,
      imagePositionPatient: [origin[0], origin[1], origin[2] + k * spacing[2]],
      imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [spacing[1], spacing[0]],
      rows,
      columns,
      dataset: {
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        SOPInstanceUID: uid,
        PatientName: [{ Alphabetic: 'Test^Phantom' }],
        PatientID: 'PHANTOM-1',
        PatientBirthDate: '19700101',
        PatientSex: 'O',
        StudyInstanceUID: '1.2.826.0.1.3680043.8.498.100',
        SeriesInstanceUID: opts.seriesUID ?? '1.2.826.0.1.3680043.8.498.200',
        StudyDate: '20250101',
        StudyTime: '120000',
        StudyID: 'S1',
        AccessionNumber: 'A1',
        ReferringPhysicianName: '',
        FrameOfReferenceUID: '1.2.826.0.1.3680043.8.498.300',
        Modality: 'CT',
        SliceThickness: spacing[2],
      },
    });
  }
  const direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  return { instances, grid: { dims: [columns, rows, slices], spacing, origin, direction } };
}
