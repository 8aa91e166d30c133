#!/usr/bin/env bash
# The local cluster with several nodes: a Slurm instance of its own (scripts/local-slurm.sh with
# RINGRIFT_SLURM_NODES=multi: six nodes, each slurmd in a network namespace of its own, partitions on
# their own node sets), beside the default single-node cluster, which is left alone.
#
#   scripts/multi-node-cluster.sh [--release 24.11|26.05] up|down|status|env|home|token|exec|stop|restart ...
#       what scripts/local-slurm.sh does with the same command, for this instance
#   scripts/multi-node-cluster.sh [--release 24.11|26.05] yaml
#       print config/unified_loop.yaml for it (its URL, key and shared tree)
#
# Its home is RINGRIFT_MULTI_CLUSTER_HOME (default /var/lib/ringrift-slurm-multi, -multi-26.05 for
# 26.05) and its ports RINGRIFT_MULTI_CLUSTER_PORT_BASE (default 7600; 7700 for 26.05: slurmrestd on
# 7620 / 7720; its nodes on 10.76.0.0/24 / 10.77.0.0/24). A missing root is copied from the release's
# default cluster (without its state and database), else scripts/local-slurm.sh builds one.
set -euo pipefail
PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=lib/releases.sh
. "$PROJECT_DIR/scripts/lib/releases.sh"
LOG_TAG=multi-node-cluster release_from_args "$@"
shift "$RELEASE_SHIFT"
SEED_HOME=$DEFAULT_HOME
HOME_DIR=${RINGRIFT_MULTI_CLUSTER_HOME:-${DEFAULT_HOME/ringrift-slurm/ringrift-slurm-multi}}
BASE=${RINGRIFT_MULTI_CLUSTER_PORT_BASE:-$((DEFAULT_PORT_BASE + 800))}   # 7600 for 24.11, 7700 for 26.05

# shellcheck source=lib/seed-root.sh
. "$PROJECT_DIR/scripts/lib/seed-root.sh"

log() { printf '[multi-node-cluster] %s\n' "$*" >&2; }
die() { printf '[multi-node-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

slurm() {
  RINGRIFT_SLURM_RELEASE=$RELEASE RINGRIFT_SLURM_HOME=$HOME_DIR RINGRIFT_SLURM_PORT_BASE=$BASE RINGRIFT_SLURM_NODES=multi \
    "$PROJECT_DIR/scripts/local-slurm.sh" "$@"
}

# config/unified_loop.yaml for this instance: its URL, key and shared tree
cmd_yaml() {
  [ -f "$HOME_DIR/cluster.env" ] || die "run: $0 --release $RELEASE up"
  local url
  url=$(sed -n 's/^SLURM_REST_URL=//p' "$HOME_DIR/cluster.env")
  sed -e "s|/var/lib/ringrift-slurm/|$HOME_DIR/|g" -e "s|http://127.0.0.1:6820|$url|" "$PROJECT_DIR/config/unified_loop.yaml"
}

case "${1:-}" in
  up)
    [ "$(id -u)" = 0 ] || die "this must run as root (it runs scripts/local-slurm.sh)"
    seed_root "$SEED_HOME" "$HOME_DIR"
    slurm up ;;
  yaml) cmd_yaml ;;
  down | status | env | home | token | exec | stop | restart) slurm "$@" ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
