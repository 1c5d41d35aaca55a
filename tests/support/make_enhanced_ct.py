"""Test tooling: builds an Enhanced CT Image (one multi-frame file with per-frame functional
groups) from a single-frame CT series, for the reader's and SEG writer's multi-frame tests.

Usage: /usr/bin/python3 make_enhanced_ct.py SRC_DIR OUT_FILE [native|j2k] [shared|per-frame]
  native     decode the slices (pydicom + PIL) and store them uncompressed (default)
  j2k        keep each slice's JPEG 2000 codestream as one fragment per frame
  shared     PlaneOrientationSequence and PixelMeasuresSequence in the shared groups (default)
  per-frame  both in every frame's group
Frames are written in the order of the source files' names (not sorted: the reader sorts).
Blank UIDs of the source (an anonymiser's doing) are filled as tests/support/repair_uids.py does.
Not a complete Enhanced CT IOD (dciodvfy lists the CT acquisition macros it lacks): it holds
what readers need, and the Segmentations written for it are what the tests validate.
"""
import hashlib
import os
import sys

import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_pixel_data_frame
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless


def uid_for(text):
    return "2.25." + str(int(hashlib.sha1(text.encode()).hexdigest()[:30], 16))


def item(**kw):
    d = Dataset()
    for k, v in kw.items():
        setattr(d, k, v)
    return d


def main(src, out, mode="native", groups="shared"):
    names = sorted(os.listdir(src))
    slices = [pydicom.dcmread(os.path.join(src, n)) for n in names]
    first = slices[0]
    study = first.get("StudyInstanceUID") or uid_for("study:" + src)  # as repair_uids.py fills it
    series = uid_for("enhanced-series:" + src + mode + groups)
    sop = uid_for("enhanced-sop:" + src + mode + groups)

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"  # Enhanced CT Image Storage
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = JPEG2000Lossless if mode == "j2k" else ExplicitVRLittleEndian
    ds = FileDataset(None, Dataset(), file_meta=meta, preamble=b"\0" * 128)
    for key in ["SpecificCharacterSet", "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAge",
                "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber", "StudyDescription",
                "Manufacturer", "FrameOfReferenceUID", "PositionReferenceIndicator"]:
        if key in first:
            setattr(ds, key, first.get(key))
    ds.PatientID = ds.get("PatientID") or "ANON"
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = sop
    ds.FrameOfReferenceUID = ds.get("FrameOfReferenceUID") or uid_for("for:" + src)
    ds.Modality = "CT"
    ds.SeriesNumber = 900
    ds.InstanceNumber = 1
    ds.SeriesDescription = "Enhanced CT built by the tests"
    ds.ContentDate = first.get("ContentDate", first.get("StudyDate", "20250101"))
    ds.ContentTime = first.get("ContentTime", first.get("StudyTime", "120000"))
    ds.AcquisitionDateTime = ds.ContentDate + ds.ContentTime.split(".")[0]
    ds.ManufacturerModelName = str(first.get("ManufacturerModelName", "unknown"))
    ds.DeviceSerialNumber = str(first.get("DeviceSerialNumber", "1"))
    ds.SoftwareVersions = str(first.get("SoftwareVersions", "1"))
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL", "NONE"]
    ds.PixelPresentation = "MONOCHROME"
    ds.VolumetricProperties = "VOLUME"
    ds.VolumeBasedCalculationTechnique = "NONE"
    ds.AcquisitionNumber = 1
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"
    ds.PresentationLUTShape = "IDENTITY"
    ds.ContentQualification = "RESEARCH"
    ds.ImageComments = "built from a single-frame series by the project's tests"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = first.Rows
    ds.Columns = first.Columns
    ds.BitsAllocated = first.BitsAllocated
    ds.BitsStored = first.BitsStored
    ds.HighBit = first.HighBit
    ds.PixelRepresentation = first.PixelRepresentation
    ds.NumberOfFrames = len(slices)

    orientation = item(ImageOrientationPatient=first.ImageOrientationPatient)
    measures = item(PixelSpacing=first.PixelSpacing, SliceThickness=first.get("SliceThickness", 1))
    transform = item(RescaleIntercept=first.get("RescaleIntercept", 0), RescaleSlope=first.get("RescaleSlope", 1), RescaleType="HU")
    voi = item(WindowCenter=40, WindowWidth=400)
    frame_type = item(FrameType=["ORIGINAL", "PRIMARY", "AXIAL", "NONE"], PixelPresentation="MONOCHROME",
                      VolumetricProperties="VOLUME", VolumeBasedCalculationTechnique="NONE")
    shared = item(PixelValueTransformationSequence=Sequence([transform]), FrameVOILUTSequence=Sequence([voi]),
                  CTImageFrameTypeSequence=Sequence([frame_type]))
    if groups == "shared":
        shared.PlaneOrientationSequence = Sequence([orientation])
        shared.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    for k, s in enumerate(slices):
        f = item(FrameContentSequence=Sequence([item(FrameAcquisitionNumber=1, StackID="1", InStackPositionNumber=k + 1,
                                                       FrameAcquisitionDateTime=ds.AcquisitionDateTime,
                                                       FrameReferenceDateTime=ds.AcquisitionDateTime,
                                                       FrameAcquisitionDuration=0)]),
                 PlanePositionSequence=Sequence([item(ImagePositionPatient=s.ImagePositionPatient)]))
        if groups != "shared":
            f.PlaneOrientationSequence = Sequence([item(ImageOrientationPatient=s.ImageOrientationPatient)])
            f.PixelMeasuresSequence = Sequence([item(PixelSpacing=s.PixelSpacing, SliceThickness=s.get("SliceThickness", 1))])
        per_frame.append(f)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    if mode == "j2k":
        frames = [next(generate_pixel_data_frame(s.PixelData)) for s in slices]
        ds.PixelData = encapsulate(frames)
        ds["PixelData"].is_undefined_length = True
        ds["PixelData"].VR = "OB"
    else:
        ds.PixelData = b"".join(s.pixel_array.astype(s.pixel_array.dtype.newbyteorder("<")).tobytes() for s in slices)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(out, write_like_original=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
