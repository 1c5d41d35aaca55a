"""Builds the bench:viewer series: ct-abdomen-3mm (122x101x30, 3 mm) zoomed to 512x512xD
(linear for the CT, nearest for the labels) and written as an uncompressed DICOM CT series
with valid UIDs (stored as unsigned with intercept -1024, as scanners do), plus the labels
zoomed the same way as NIfTI on that grid. Prints the Study Instance UID.
Usage: python3 make_series.py CT.nii.gz LABELS.nii.gz OUT_DIR [DEPTH]. Bench tooling only."""
import hashlib, os, sys
import numpy as np
import nibabel as nb
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from scipy import ndimage

ct_path, labels_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
depth = int(sys.argv[4]) if len(sys.argv) > 4 else 224
ct, lab = nb.load(ct_path), nb.load(labels_path)
src = np.asarray(ct.dataobj).astype(np.float32)
dims = (512, 512, depth)
# The output shape is round(shape * zoom); grid_mode=False keeps the corner voxel centres in place.
zoom = [d / s for d, s in zip(dims, src.shape)]

vol = ndimage.zoom(src, zoom, order=1, grid_mode=False)
labels = ndimage.zoom(np.asarray(lab.dataobj).astype(np.uint8), zoom, order=0, grid_mode=False)
assert vol.shape == dims == labels.shape, (vol.shape, labels.shape)
# Flip i and j so that rows run left to right and columns front to back in LPS, as on a scanner.
vol, labels = vol[::-1, ::-1, :], labels[::-1, ::-1, :]
A = ct.affine.copy()
sp = [abs(A[a, a]) * (s - 1) / (d - 1) for a, (s, d) in enumerate(zip(src.shape, dims))]
far = A @ np.array([src.shape[0] - 1, src.shape[1] - 1, 0, 1.0])  # the flipped grid's first voxel, RAS
aff = np.diag([-sp[0], -sp[1], sp[2], 1.0])
aff[:3, 3] = [far[0], far[1], A[2, 3]]
os.makedirs(os.path.join(out, 'series'), exist_ok=True)
nb.save(nb.Nifti1Image(np.ascontiguousarray(labels), aff), os.path.join(out, 'labels.nii.gz'))

seed = hashlib.sha1(f'sat-bench-viewer-{depth}'.encode()).hexdigest()
uid = lambda *p: generate_uid(entropy_srcs=[seed, *map(str, p)])
study, series, frame = uid('study'), uid('series'), uid('frame')
stored = np.clip(np.rint(vol) + 1024, 0, 65535).astype(np.uint16)
for k in range(depth):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
    meta.MediaStorageSOPInstanceUID = uid('sop', k)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
    ds.PatientName, ds.PatientID, ds.StudyID = 'Bench^Viewer', 'SAT-BENCH', 'SAT-BENCH'
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.ReferringPhysicianName = '20261207', '120000', '', ''
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = 'CT', 1, k + 1
    ds.SeriesDescription = f'ct-abdomen-3mm zoomed to 512x512x{depth}'
    ds.ImageType = ['DERIVED', 'SECONDARY', 'AXIAL']
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    # RAS -> LPS: negate x and y.
    p = aff @ np.array([0, 0, k, 1.0])
    ds.ImagePositionPatient = [f'{-p[0]:.4f}', f'{-p[1]:.4f}', f'{p[2]:.4f}']
    ds.SliceThickness, ds.SliceLocation = f'{sp[2]:.6f}', f'{p[2]:.4f}'
    ds.PixelSpacing = [f'{sp[1]:.6f}', f'{sp[0]:.6f}']  # row spacing (along j), column spacing (along i)
    ds.Rows, ds.Columns = dims[1], dims[0]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = -1024, 1, 'HU'
    ds.WindowCenter, ds.WindowWidth = 40, 400
    ds.PixelData = np.ascontiguousarray(stored[:, :, k].T).tobytes()  # rows = j, columns = i
    ds.save_as(os.path.join(out, 'series', f'{k:04d}.dcm'), write_like_original=False)
print(study)
