#!/usr/bin/env bash
# A development PACS: Debian's Orthanc with its DICOMweb plugin, on a loopback port with its
# own storage under .pacs/ (git-ignored). Installs the packages when missing (needs root).
#   scripts/pacs.sh start   start it (prints its DICOMweb root); SAT_PACS_PORT picks the port (default 8042)
#   scripts/pacs.sh stop    stop it
#   scripts/pacs.sh status  say whether it answers
# SAT_PACS_DIR overrides the state folder (tests use a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${SAT_PACS_PORT:-8042}"
DIR="${SAT_PACS_DIR:-$PWD/.pacs}"
URL="http://127.0.0.1:$PORT"

install_if_missing() {
  if ! command -v Orthanc >/dev/null || [ ! -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]; then
    echo "pacs: installing Debian packages orthanc and orthanc-dicomweb" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq orthanc orthanc-dicomweb >/dev/null
  fi
}

answers() { curl -fsS "$URL/system" >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if answers; then echo "$URL/dicom-web"; exit 0; fi
    install_if_missing
    mkdir -p "$DIR/storage"
    sed -e "s#@STORAGE@#$DIR/storage#g" -e "s#@PORT@#$PORT#g" platform-config/orthanc/orthanc.json.template > "$DIR/orthanc.json"
    nohup Orthanc "$DIR/orthanc.json" > "$DIR/orthanc.log" 2>&1 &
    echo $! > "$DIR/orthanc.pid"
    for _ in $(seq 1 100); do answers && { echo "$URL/dicom-web"; exit 0; }; sleep 0.1; done
    echo "pacs: Orthanc did not start; see $DIR/orthanc.log" >&2; tail -5 "$DIR/orthanc.log" >&2; exit 1 ;;
  stop)
    if [ -f "$DIR/orthanc.pid" ]; then kill "$(cat "$DIR/orthanc.pid")" 2>/dev/null || true; rm -f "$DIR/orthanc.pid"; fi ;;
  status)
    if answers; then echo "running at $URL/dicom-web"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: scripts/pacs.sh start|stop|status" >&2; exit 2 ;;
esac
