"""Test tooling: writes an uncompressed (Explicit VR Little Endian) copy of a DICOM file,
decoding its pixel data with pydicom (JPEG 2000 through Pillow). Blank UIDs are filled
from the file meta, as repair_uids.py does.

Usage: /usr/bin/python3 decompress.py IN.dcm OUT.dcm
"""
import sys

import pydicom


def main(src, dst):
    ds = pydicom.dcmread(src)
    ds.decompress()
    if ds.BitsAllocated > 8:
        ds["PixelData"].VR = "OW"
    if not ds.get("SOPInstanceUID"):
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    if not ds.get("SOPClassUID"):
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.save_as(dst, write_like_original=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
