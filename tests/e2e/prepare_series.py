"""Copies a DICOM series into a temp folder, filling empty Study/Series/SOP Instance UIDs
(the TotalSegmentator test series has them blank, which a PACS refuses). Test tooling only."""
import hashlib, os, sys
import pydicom
from pydicom.uid import generate_uid

src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
names = sorted(os.listdir(src))
seed = hashlib.sha1(src.encode()).hexdigest()
study = generate_uid(entropy_srcs=[seed, 'study'])
series = generate_uid(entropy_srcs=[seed, 'series'])
for n in names:
    d = pydicom.dcmread(os.path.join(src, n))
    if not d.get('StudyInstanceUID'): d.StudyInstanceUID = study
    if not d.get('SeriesInstanceUID'): d.SeriesInstanceUID = series
    if not d.get('SOPInstanceUID'): d.SOPInstanceUID = d.file_meta.get('MediaStorageSOPInstanceUID') or generate_uid(entropy_srcs=[seed, n])
    if not d.get('SOPClassUID'): d.SOPClassUID = d.file_meta.MediaStorageSOPClassUID
    d.file_meta.MediaStorageSOPInstanceUID = d.SOPInstanceUID
    if not d.get('PatientID'): d.PatientID = 'SAT-E2E'
    if not d.get('PatientName'): d.PatientName = 'Anonymous^E2E'
    if not d.get('SeriesNumber'): d.SeriesNumber = 1
    if not d.get('StudyID'): d.StudyID = 'SAT-E2E'
    d.save_as(os.path.join(dst, n), write_like_original=True)
print(study)
