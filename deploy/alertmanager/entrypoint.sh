#!/bin/sh
# Alertmanager does not read environment variables in its configuration: this writes alertmanager.yml with
# ${ALERT_WEBHOOK_URL} replaced by that variable's value (taken literally: '&', '|', '/' need no escaping),
# then runs Alertmanager with the arguments given. Busybox sh and awk, as in the prom/alertmanager image.
#   entrypoint.sh TEMPLATE OUTPUT [alertmanager arguments...]
set -eu
template="$1"
output="$2"
shift 2
: "${ALERT_WEBHOOK_URL:?ALERT_WEBHOOK_URL is not set}"
awk 'BEGIN { p = "${ALERT_WEBHOOK_URL}"; v = ENVIRON["ALERT_WEBHOOK_URL"] }
     { out = ""; line = $0
       while ((i = index(line, p)) > 0) { out = out substr(line, 1, i - 1) v; line = substr(line, i + length(p)) }
       print out line }' "$template" > "$output"
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
