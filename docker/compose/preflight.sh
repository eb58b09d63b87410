#!/bin/sh
# One-shot check run by docker/compose.yaml before the production-shaped services start (service "preflight" of
# the cluster profile, "preflight-monitoring" of the monitoring profile). Compose cannot require these variables
# itself: a ${VAR:?} anywhere in the file fails every command, the demo profile's too. Exits 2 with one line per
# missing or unusable setting; nothing that depends on it starts then. Runs as the node image's user (10001), so
# the TLS files are checked as the nodes will read them. Also run by bin/check-deploy.
# usage: preflight.sh cluster|monitoring      (TLS_DIR=/tls by default)
problems=0
problem() { echo "preflight: $*" >&2; problems=$((problems + 1)); }
need() { # need NAME HINT: the variable is set and not blank
  eval "value=\${$1:-}"
  [ -n "$(echo "$value" | tr -d ' \t')" ] || problem "set $1 ($2)"
}

case "${1:-}" in
  cluster)
    need SECRET_KEY "32+ bytes, the same on every node, e.g. openssl rand -hex 32"
    [ -z "${SECRET_KEY:-}" ] || [ "${#SECRET_KEY}" -ge 32 ] || problem "SECRET_KEY must be at least 32 bytes long"
    need ELEVENLABS_WEBHOOK_SECRET "the webhook secret ElevenLabs shows for your workspace"
    need POSTGRES_PASSWORD "PostgreSQL's password, URL-safe characters, e.g. openssl rand -hex 24"
    case "${POSTGRES_PASSWORD:-}" in
      *[!A-Za-z0-9._~-]*) problem "POSTGRES_PASSWORD goes into DATABASE_URL as is: use only A-Z a-z 0-9 . _ ~ -" ;;
    esac
    need CLUSTER_NAME "the Hazelcast cluster name, a shared secret of 16+ characters, e.g. openssl rand -hex 16"
    if [ -n "${CLUSTER_NAME:-}" ]; then
      [ "${#CLUSTER_NAME}" -ge 16 ] || problem "CLUSTER_NAME must be at least 16 characters"
      case "$CLUSTER_NAME" in *[!!-~]*) problem "CLUSTER_NAME must be printable ASCII without spaces" ;; esac
    fi
    need PUBLIC_BASE_URL "the URL clients and Twilio use, e.g. https://calls.example.com (http://localhost:8080 for a local trial)"
    case "${PUBLIC_BASE_URL:-}" in
      ''|https://?*|http://?*) ;;
      *) problem "PUBLIC_BASE_URL must start with https:// (or http:// for a local trial)" ;;
    esac
    tls=${TLS_DIR:-/tls}
    for f in ca.crt node.crt node.key; do
      if [ ! -f "$tls/$f" ]; then
        problem "docker/cluster-tls/$f is missing: run bin/cluster-certs docker/cluster-tls (README.md)"
      elif [ ! -r "$tls/$f" ]; then
        problem "docker/cluster-tls/$f is not readable by the nodes' user (uid 10001): chmod 644 docker/cluster-tls/$f"
      fi
    done
    ;;
  monitoring)
    need GRAFANA_ADMIN_PASSWORD "Grafana's admin password"
    ;;
  *)
    echo "usage: preflight.sh cluster|monitoring" >&2
    exit 2
    ;;
esac
[ "$problems" -eq 0 ] || exit 2
echo "preflight: $1 settings present"
