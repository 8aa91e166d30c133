#!/usr/bin/env bash
# The local cluster in its least-privilege mode: a Slurm instance of its own whose slurmctld and
# slurmdbd verify RS256 tokens from the local OIDC provider by its JWKS (no HS256 key loaded), beside
# the default cluster, which is left alone.
#
#   scripts/oidc-cluster.sh [--release 24.11|26.05] up     provider and cluster up (a restart of
#                                                         slurmctld and slurmdbd when the JWKS changed)
#   scripts/oidc-cluster.sh [--release 24.11|26.05] yaml   print config/unified_loop.yaml for it: slurm.rest.oidc
#                                                         instead of jwt_key_file (no key given to the service)
#   scripts/oidc-cluster.sh [--release 24.11|26.05] down   stop that cluster (the provider: scripts/oidc-provider.sh stop)
#
# Its home is RINGRIFT_OIDC_CLUSTER_HOME (default /var/lib/ringrift-slurm-oidc, -oidc-26.05 for 26.05) and
# its ports RINGRIFT_OIDC_CLUSTER_PORT_BASE (default 7400; 7500 for 26.05: slurmrestd on 7420 / 7520). A
# missing root is copied from the release's default cluster (without its state and database), else
# scripts/local-slurm.sh builds one. The provider: scripts/oidc-provider.sh (RINGRIFT_OIDC_HOME, _PORT).
set -euo pipefail
PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# the release (--release R first, else RINGRIFT_SLURM_RELEASE, else 24.11) and its defaults: the Debian
# suite that ships it, where its cluster lives, its ports and cluster name
# shellcheck source=lib/releases.sh
. "$PROJECT_DIR/scripts/lib/releases.sh"
LOG_TAG=oidc-cluster release_from_args "$@"
shift "$RELEASE_SHIFT"
SEED_HOME=$DEFAULT_HOME                      # the release's default cluster: its root is copied
HOME_DIR=${RINGRIFT_OIDC_CLUSTER_HOME:-${DEFAULT_HOME/ringrift-slurm/ringrift-slurm-oidc}}
BASE=${RINGRIFT_OIDC_CLUSTER_PORT_BASE:-$((DEFAULT_PORT_BASE + 600))}   # 7400 for 24.11, 7500 for 26.05
OIDC_HOME=${RINGRIFT_OIDC_HOME:-/var/lib/ringrift-oidc}

# shellcheck source=lib/seed-root.sh
. "$PROJECT_DIR/scripts/lib/seed-root.sh"

log() { printf '[oidc-cluster] %s\n' "$*" >&2; }
die() { printf '[oidc-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

slurm() {
  RINGRIFT_SLURM_RELEASE=$RELEASE RINGRIFT_SLURM_HOME=$HOME_DIR RINGRIFT_SLURM_PORT_BASE=$BASE \
    "$PROJECT_DIR/scripts/local-slurm.sh" "$@"
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "this must run as root (it runs scripts/local-slurm.sh)"
  "$PROJECT_DIR/scripts/oidc-provider.sh" start
  local jwks="$OIDC_HOME/jwks.json" claim
  claim=$(sed -n 's/^OIDC_USER_CLAIM=//p' "$OIDC_HOME/oidc.env")
  mkdir -p "$HOME_DIR"
  seed_root "$SEED_HOME" "$HOME_DIR"
  if slurm status >/dev/null 2>&1 && ! cmp -s "$jwks" "$HOME_DIR/root/etc/slurm/jwks.json"; then
    log "the provider's keys changed: restarting slurmctld and slurmdbd with its JWKS"
    RINGRIFT_SLURM_JWKS=$jwks RINGRIFT_SLURM_USER_CLAIM=$claim slurm restart slurmdbd slurmctld
  else
    RINGRIFT_SLURM_JWKS=$jwks RINGRIFT_SLURM_USER_CLAIM=$claim slurm up
  fi
  grep -q '^SLURM_AUTH=jwks' "$HOME_DIR/cluster.env" || die "the cluster at $HOME_DIR did not come up in JWKS mode"
}

# config/unified_loop.yaml for this cluster: its URL and shared tree, and slurm.rest.oidc instead of the key
cmd_yaml() {
  [ -f "$HOME_DIR/cluster.env" ] && [ -f "$OIDC_HOME/oidc.env" ] || die "run: $0 --release $RELEASE up"
  local url issuer client secret audience claim
  url=$(sed -n 's/^SLURM_REST_URL=//p' "$HOME_DIR/cluster.env")
  issuer=$(sed -n 's/^OIDC_ISSUER=//p' "$OIDC_HOME/oidc.env")
  client=$(sed -n 's/^OIDC_CLIENT_ID=//p' "$OIDC_HOME/oidc.env")
  secret=$(sed -n 's/^OIDC_SECRET_FILE=//p' "$OIDC_HOME/oidc.env")
  audience=$(sed -n 's/^OIDC_AUDIENCE=//p' "$OIDC_HOME/oidc.env")
  claim=$(sed -n 's/^OIDC_USER_CLAIM=//p' "$OIDC_HOME/oidc.env")
  grep -q '^    jwt_key_file: ' "$PROJECT_DIR/config/unified_loop.yaml" || die "config/unified_loop.yaml has no jwt_key_file line to replace"
  sed -e "s|/var/lib/ringrift-slurm/|$HOME_DIR/|g" -e "s|http://127.0.0.1:6820|$url|" \
      -e "s|^    user: .*|    user: ringrift                # the job user: the token names it in $claim|" \
      -e "/^    token_lifespan: /d" \
      -e "s|^    jwt_key_file: .*|    oidc:                         # tokens from the OIDC provider; the cluster verifies them by its JWKS\n      issuer: $issuer\n      client_id: $client\n      client_secret_file: $secret\n      audience: $audience\n      user_claim: $claim|" \
      "$PROJECT_DIR/config/unified_loop.yaml"
}

case "${1:-}" in
  up) cmd_up ;;
  yaml) cmd_yaml ;;
  down) slurm down ;;
  env) slurm env ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
