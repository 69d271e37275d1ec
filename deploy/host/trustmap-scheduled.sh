#!/bin/sh
# trustmap-scheduled.sh: one scheduled scan, for cron or the systemd timer
# beside this file (and usable in any container). It records the scan in
# the history store, gates on what is new since the store's last complete
# scan, keeps the reports of the last runs, and exits with trustmap's code:
#
#   0  scanned, nothing new or worse
#   1  something new that nothing recognizes, or got worse (--fail-on-new),
#      or at/above TRUSTMAP_FAIL_ON: read the report
#   2  bad flags or input (fix the job)
#   3  trustmap could not run: credentials, output directory, or the history
#      store (the report is written even then, without history)
#   4  the scan stopped early (timeout): the gates saw only part of the account
#
# History: TRUSTMAP_STORE if set (a SQLite path or postgres://…), else
# $XDG_DATA_HOME/trustmap/history.db, i.e. ~/.local/share/trustmap/history.db
# of the user the job runs as (0600). Reports: $TRUSTMAP_REPORTS/<UTC time>/.
set -u

TRUSTMAP="${TRUSTMAP:-trustmap}"
REPORTS="${TRUSTMAP_REPORTS:-${XDG_STATE_HOME:-$HOME/.local/state}/trustmap/reports}"
KEEP_REPORTS="${TRUSTMAP_KEEP_REPORTS:-14}"
KEEP_HISTORY="${TRUSTMAP_KEEP_HISTORY:-400d}"
# What to scan and how: credentials and scope, e.g. "--profile audit" or
# "--regions us-east-1,eu-west-1 --config /etc/trustmap/trustmap.yaml".
SCAN_ARGS="${TRUSTMAP_SCAN_ARGS:-}"
FAIL_ON="${TRUSTMAP_FAIL_ON-critical}" # empty: no severity gate

umask 077
out="$REPORTS/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out" || exit 3

# shellcheck disable=SC2086 # SCAN_ARGS is a list of flags
"$TRUSTMAP" scan $SCAN_ARGS --fail-on-new ${FAIL_ON:+--fail-on "$FAIL_ON"} \
  --output-dir "$out" --format json,md,html,sarif -q
status=$?

case $status in
  0) echo "trustmap: nothing new since the last complete scan ($out)" ;;
  1) echo "trustmap: a gate matched (new or worse since the last complete scan, or at/above $FAIL_ON): see $out/report.html" >&2
     "$TRUSTMAP" diff --since previous >&2 || true ;;
  4) echo "trustmap: the scan stopped early; the gates saw only part of the account ($out)" >&2 ;;
  *) echo "trustmap: could not run (exit $status)" >&2 ;;
esac

# Keep the last reports, and a bounded history.
ls -1d "$REPORTS"/*/ 2>/dev/null | sort | head -n "-$KEEP_REPORTS" | while read -r old; do rm -rf "$old"; done
if [ "$status" -ne 3 ]; then
  "$TRUSTMAP" history prune --keep "$KEEP_HISTORY" >/dev/null || true
fi
exit $status
