# The local clusters' releases as the scripts read them: source this file.

# release_from_args "$@": the release a script is asked for (--release R as its first arguments,
# else RINGRIFT_SLURM_RELEASE, else 24.11) in RELEASE, how many arguments that took in RELEASE_SHIFT
# (shift them), and that release's defaults (release_defaults).
release_from_args() {
  RELEASE=${RINGRIFT_SLURM_RELEASE:-24.11}
  RELEASE_SHIFT=0
  if [ "${1:-}" = --release ]; then
    RELEASE=${2:?--release needs 24.11 or 26.05}
    RELEASE_SHIFT=2
  fi
  release_defaults "$RELEASE"
}

# release_defaults RELEASE: sets SUITE (the Debian suite that ships it), DEFAULT_HOME (where its
# default cluster lives), DEFAULT_PORT_BASE and DEFAULT_CLUSTER (its cluster name); exits 2 with
# what to use for a release no local cluster is built for. $LOG_TAG names the script in the error.
release_defaults() {
  case $1 in
    24.11) SUITE=trixie; DEFAULT_HOME=/var/lib/ringrift-slurm; DEFAULT_PORT_BASE=6800; DEFAULT_CLUSTER=ringrift-local ;;
    26.05) SUITE=sid; DEFAULT_HOME=/var/lib/ringrift-slurm-26.05; DEFAULT_PORT_BASE=6900; DEFAULT_CLUSTER=ringrift-local-2605 ;;
    *) printf '[%s] ERROR: release %s is not one this script builds; use 24.11 or 26.05\n' "${LOG_TAG:-slurm}" "$1" >&2; exit 2 ;;
  esac
}
