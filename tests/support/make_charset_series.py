"""Test tooling: writes a small uncompressed CT series (3 slices of 32x32) in a given
Specific Character Set, for the SEG writer's character-set tests.

Usage: /usr/bin/python3 make_charset_series.py OUT_DIR CHARSET PATIENT_NAME
CHARSET is a Specific Character Set value ("ISO_IR 100", "ISO_IR 192") or "" for the default
repertoire. pydicom encodes the text in that set.
"""
import hashlib
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian


def uid(text):
    return "2.25." + str(int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:30], 16))


def main(out, charset, patient_name):
    os.makedirs(out, exist_ok=True)
    key = out + charset + patient_name
    for k in range(3):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = uid(f"sop:{key}:{k}")
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, Dataset(), file_meta=meta, preamble=b"\0" * 128)
        if charset:
            ds.SpecificCharacterSet = charset
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID = uid("study:" + key)
        ds.SeriesInstanceUID = uid("series:" + key)
        ds.FrameOfReferenceUID = uid("for:" + key)
        ds.PatientName = patient_name
        ds.PatientID = "CHARSET-1"
        ds.PatientBirthDate = "19700101"
        ds.PatientSex = "O"
        ds.StudyDate = "20250101"
        ds.StudyTime = "120000"
        ds.StudyID = "1"
        ds.AccessionNumber = "A1"
        ds.ReferringPhysicianName = ""
        ds.Modality = "CT"
        ds.Manufacturer = "Test"
        ds.SeriesNumber = 1
        ds.InstanceNumber = k + 1
        ds.PositionReferenceIndicator = ""
        ds.PatientPosition = "HFS"
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.ImagePositionPatient = [-16.0, -16.0, 10.0 + 2.5 * k]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [1.0, 1.0]
        ds.SliceThickness = 2.5
        ds.KVP = 120
        ds.AcquisitionNumber = 1
        ds.Rows = 32
        ds.Columns = 32
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleIntercept = 0
        ds.RescaleSlope = 1
        ds.RescaleType = "HU"
        y, x = np.mgrid[0:32, 0:32]
        ds.PixelData = (np.where((x - 16) ** 2 + (y - 16) ** 2 < 100, 60, -1000)).astype("<i2").tobytes()
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.save_as(os.path.join(out, f"IM{k + 1:04d}.dcm"), write_like_original=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
