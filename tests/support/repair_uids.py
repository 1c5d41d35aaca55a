"""Test tooling: copies a DICOM series, filling blank Study/Series/SOP Instance UIDs.

Some public test series were anonymised by blanking their UIDs, which no PACS accepts and no
Segmentation can reference. The copy gets deterministic UIDs (SOP Instance UID from the file
meta) so tests can store it and validate Segmentations against it.
Usage: /usr/bin/python3 repair_uids.py SRC_DIR DST_DIR
"""
import hashlib
import os
import sys

import pydicom


def uid_for(text):
    return "2.25." + str(int(hashlib.sha1(text.encode()).hexdigest()[:30], 16))


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        ds = pydicom.dcmread(os.path.join(src, name))
        if not ds.get("StudyInstanceUID"):
            ds.StudyInstanceUID = uid_for("study:" + src)
        if not ds.get("SeriesInstanceUID"):
            ds.SeriesInstanceUID = uid_for("series:" + src)
        if not ds.get("SOPInstanceUID"):
            ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
        if not ds.get("SOPClassUID"):
            ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
        if not ds.get("PatientID"):
            ds.PatientID = "ANON"
        ds.save_as(os.path.join(dst, name))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
