/**
 * What the viewer (OHIF 3.13.2 with platform-config/app-config.mjs) asks of /dicom-web in the
 * e2e (tests/e2e/viewer.e2e.mjs writes them to tests/artifacts/e2e-dicomweb-requests.txt): the
 * study list, opening the study, its images, storing the SEG and reopening the study with it.
 * {study}, {series}, {instance} stand for UIDs. The recording-upstream test checks each still
 * passes the server's grammar and reaches the PACS unchanged; when the viewer changes, copy the
 * e2e's new list here.
 */
const CSV = (...tags: string[]) => tags.join('%2C');
const STUDY_FIELDS = CSV('00081030', '00080060', '00080090', '00100030');

export const VIEWER_REQUESTS = [
  // the study list: all studies, then a search by Patient ID
  `GET /dicom-web/studies?limit=101&offset=0&fuzzymatching=false&includefield=${STUDY_FIELDS}`,
  `GET /dicom-web/studies?00100020=SAT-E2E&limit=101&offset=0&fuzzymatching=false&includefield=${STUDY_FIELDS}`,
  // opening a study (and reopening it after the store)
  `GET /dicom-web/studies?limit=101&offset=0&fuzzymatching=false&includefield=${STUDY_FIELDS}&StudyInstanceUID={study}`,
  `GET /dicom-web/studies/{study}/series?includefield=${CSV('00080021', '00080031', '0008103E', '00200011')}`,
  'GET /dicom-web/studies/{study}/series/{series}/metadata',
  // the images (WADO-RS frames), and the stored SEG read back whole on reopening
  'GET /dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/1',
  'GET /dicom-web/studies/{study}/series/{series}/instances/{instance}',
  // storing the SEG (STOW-RS)
  'POST /dicom-web/studies',
];
