#!/usr/bin/env bash
# A development PACS: Debian's Orthanc with its DICOMweb plugin, HTTP only, with its own
# storage under .pacs/ (git-ignored). Installs the packages when missing (needs root).
#   scripts/pacs.sh start   start it in the background, wait until it answers, print its
#                           DICOMweb root (e.g. http://127.0.0.1:8042/dicom-web) on stdout
#   scripts/pacs.sh stop    stop it
#   scripts/pacs.sh status  print its DICOMweb root if it answers, else "not running" (exit 1)
# SAT_PACS_PORT picks the HTTP port; unset, the first free port from 8042 is taken (and
# remembered in the state folder for stop/status). SAT_PACS_DIR overrides the state folder
# (tests use a temporary one). Orthanc has no bind-address option: RemoteAccessAllowed=false
# makes it refuse every client but loopback; its DICOM (DIMSE) server is off.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${SAT_PACS_DIR:-$PWD/.pacs}"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -n "${SAT_PACS_PORT:-}" ]; then PORT="$SAT_PACS_PORT"
elif [ -f "$DIR/port" ]; then PORT="$(cat "$DIR/port")"
else PORT=8042; fi
URL="http://127.0.0.1:$PORT"

install_if_missing() {
  if ! command -v Orthanc >/dev/null || [ ! -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]; then
    echo "pacs: installing Debian packages orthanc and orthanc-dicomweb" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq orthanc orthanc-dicomweb >/dev/null
  fi
}

answers() { curl -fsS "$URL/system" >/dev/null 2>&1; }
ours() { [ -f "$DIR/orthanc.pid" ] && kill -0 "$(cat "$DIR/orthanc.pid")" 2>/dev/null; }

case "${1:-}" in
  start)
    if ours && answers; then echo "$URL/dicom-web"; exit 0; fi
    if [ -z "${SAT_PACS_PORT:-}" ]; then
      PORT=8042; while port_in_use "$PORT"; do PORT=$((PORT + 1)); done; URL="http://127.0.0.1:$PORT"
    elif port_in_use "$PORT"; then
      echo "pacs: port $PORT is taken by another program; choose another SAT_PACS_PORT" >&2; exit 1
    fi
    install_if_missing
    mkdir -p "$DIR/storage"
    sed -e "s#@STORAGE@#$DIR/storage#g" -e "s#@PORT@#$PORT#g" platform-config/orthanc/orthanc.json.template > "$DIR/orthanc.json"
    nohup Orthanc "$DIR/orthanc.json" > "$DIR/orthanc.log" 2>&1 &
    echo $! > "$DIR/orthanc.pid"; echo "$PORT" > "$DIR/port"
    for _ in $(seq 1 100); do answers && { echo "$URL/dicom-web"; exit 0; }; sleep 0.1; done
    echo "pacs: Orthanc did not start; see $DIR/orthanc.log" >&2; tail -5 "$DIR/orthanc.log" >&2; exit 1 ;;
  stop)
    if [ -f "$DIR/orthanc.pid" ]; then
      PID="$(cat "$DIR/orthanc.pid")"; kill "$PID" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
      rm -f "$DIR/orthanc.pid" "$DIR/port"
      echo "pacs: stopped (its studies stay in $DIR/storage)" >&2
    else echo "pacs: not running" >&2; fi ;;
  status)
    if ours && answers; then echo "$URL/dicom-web"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: scripts/pacs.sh start|stop|status" >&2; exit 2 ;;
esac
