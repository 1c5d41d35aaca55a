/**
 * A Segmentation references its source by UIDs. An anonymiser sometimes blanks them; the
 * CLI says so before any work is done and names the command that makes a usable copy.
 */
import * as path from 'path';
import { DicomInstanceMeta } from '../../extension/src/engine/image/types';
import { UsageError } from '../errors';

/** Throws, naming the repair, when the series lacks the UIDs a SEG must reference. */
export function requireSeriesUids(instances: DicomInstanceMeta[], seriesDir: string): void {
  const blank = (v: unknown) => !String(v ?? '').trim();
  const missing: string[] = [];
  if (instances.some((s) => blank(s.dataset.StudyInstanceUID))) missing.push('Study Instance UID');
  if (instances.some((s) => blank(s.dataset.SeriesInstanceUID))) missing.push('Series Instance UID');
  if (instances.some((s) => blank(s.sopInstanceUID))) missing.push('SOP Instance UID');
  // A missing Study Instance UID alone the writer handles (a new one, with a warning); these it cannot.
  if (!missing.some((m) => m !== 'Study Instance UID')) return;
  // a new folder in the working directory, never inside the input; absolute, as npm runs scripts from the project folder
  const copy = path.resolve(`${path.basename(path.resolve(seriesDir))}-with-uids`);
  throw new UsageError(
    `the series in ${seriesDir} has no ${missing.join(' and no ')} (an anonymiser blanked them?), and a DICOM Segmentation must reference them. ` +
      `Make a copy with new UIDs (the originals are not touched), then use the copy: npm run import -- "${path.resolve(seriesDir)}" --fill-uids --copy-to "${copy}" --no-store`,
  );
}
