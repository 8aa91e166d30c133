#!/usr/bin/env bash
# A real Slurm on this machine, for tests and the examples: 24.11 (default) or 26.05, on one node
# (default) or on six (RINGRIFT_SLURM_NODES=multi; scripts/multi-node-cluster.sh runs such an instance).
#
#   scripts/local-slurm.sh [--release 24.11|26.05] COMMAND
#   scripts/local-slurm.sh up              build the Debian root if needed, start what is down
#   scripts/local-slurm.sh down            stop what this script started (by recorded pid), unmount
#   scripts/local-slurm.sh restart [D...]  stop these daemons (default: all), then up
#   scripts/local-slurm.sh stop D...       stop only these daemons (e.g. slurmrestd, to see clients ride it out;
#                                          slurmd@NODE one node's slurmd); up starts them again
#   scripts/local-slurm.sh status          which daemons run, and where slurmrestd listens
#   scripts/local-slurm.sh token USER [S]  print a JWT for USER (lifespan S seconds, default 1800)
#   scripts/local-slurm.sh env             print the cluster's connection facts (KEY=VALUE)
#   scripts/local-slurm.sh home            print where this release's cluster lives (root, shared tree, cluster.env)
#   scripts/local-slurm.sh exec CMD...     run CMD inside the cluster's root as its administrator (e.g. scontrol)
#
# The daemons (MariaDB, slurmdbd, slurmctld, slurmd, slurmrestd) run in a Debian root made with
# debootstrap: trixie for Slurm 24.11 (data parsers v0.0.40-v0.0.42), sid for Slurm 26.05
# (v0.0.42-v0.0.45); Debian 12's own Slurm (22.05) has none of them. Each daemon is entered into the
# root with pivot_root in a private mount namespace of its own (unshare --mount), not with chroot:
# the kernel refuses a new user namespace to a chrooted process, and apptainer in the jobs needs one.
# They share the host's network; slurmrestd listens on 127.0.0.1 only. The two releases live apart
# (home, ports, cluster name), so both can run at once.
#
# Several nodes (RINGRIFT_SLURM_NODES=multi): one slurmd per node, each in a network namespace of its
# own (its own address on a bridge this script makes, its own loopback and ports) and a UTS
# namespace with the node's name as hostname, so that to slurmctld, srun and the jobs each node is
# a host of its own: train1 and train2 (gpu-train, 8 CPUs, 4 GPUs each), selfplay1 and selfplay2
# (gpu-selfplay, 4 CPUs, 2 GPUs), eval1 (cpu-eval, 4 CPUs) and gh200-1 (gpu-gh200, 8 CPUs, 1 GPU,
# feature aarch64: a marker, the machine is what it is). slurmctld, slurmdbd and slurmrestd stay in
# the host's network; slurmctld is reached at the bridge's address. A node's slurmd is the daemon
# slurmd@NODE (stop slurmd@selfplay2 kills one node's; slurmctld marks it DOWN after SlurmdTimeout,
# 10 s here). A backup slurmctld runs on a host of its own the same way (slurmctld@ctl2, SlurmctldHost
# twice, the state directory shared): stop slurmctld and it takes over after SlurmctldTimeout (10 s).
# The topology is kept in the home: a home is either single- or multi-node.
#
# The root also gets apptainer from Debian's packages (sid has it; trixie has none, so the trixie
# root takes sid's package alone, pinned: its dependencies all come from trixie), and up builds a
# small SIF image with python3 from the root's own installed packages (no container registry), puts
# it in the shared tree (shared/images/ringrift-ARCH.sif) and writes its path to cluster.env.
#
# Settings (environment):
#   RINGRIFT_SLURM_RELEASE  24.11 (default) or 26.05; --release says the same
#   RINGRIFT_SLURM_HOME   where the root, the shared directory and pid files live
#                         (default /var/lib/ringrift-slurm; /var/lib/ringrift-slurm-26.05 for 26.05)
#   RINGRIFT_SLURM_PORT_BASE  every port is derived from it: MariaDB +16, slurmctld +17, slurmd +18,
#                         slurmdbd +19, slurmrestd +20 (default 6800; 6900 for 26.05); another base
#                         also gives another cluster name (ringrift-local[-2605]-BASE), so a second
#                         instance of a release can run beside the first. Remembered in the home:
#                         later calls with the same RINGRIFT_SLURM_HOME need not repeat it.
#   SLURMRESTD_PORT       slurmrestd's port on 127.0.0.1 (default: the port base + 20)
#   RINGRIFT_SLURM_JWKS   a JWKS file (an identity provider's jwks_uri document): slurmctld and slurmdbd
#                         verify RS256 tokens with its keys and load no HS256 key (see configure_jwks);
#                         kept for later calls (none: back to the HS256 key); applies to daemons this
#                         call starts (restart slurmctld slurmdbd)
#   RINGRIFT_SLURM_USER_CLAIM  with RINGRIFT_SLURM_JWKS: the claim that names the job user (default slurm_user)
#   RINGRIFT_SLURM_NODES  single (default) or multi: one node in every partition, or six nodes with
#                         partitions on their own node sets (above); remembered in the home
#   RINGRIFT_SLURM_USER   the unprivileged user whose jobs run (default ringrift)
#   SLURM_MIN_JOB_AGE     seconds a finished job stays in slurmctld (default 30)
#   SLURMCTLD_PARAMETERS  slurm.conf's SlurmctldParameters, e.g. rl_enable,rl_bucket_size=20 (default
#                         none); applies to a slurmctld this call starts (restart slurmctld)
#   SLURMRESTD_OPTIONS    more slurmrestd arguments, e.g. "-t 2 --max-connections 4" (default none);
#                         applies to a slurmrestd this call starts (restart slurmrestd)
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# the release (--release R first, else RINGRIFT_SLURM_RELEASE, else 24.11) and its defaults: the Debian
# suite that ships it, where its cluster lives, its ports and cluster name
# shellcheck source=lib/releases.sh
. "$PROJECT_DIR/scripts/lib/releases.sh"
LOG_TAG=local-slurm release_from_args "$@"
shift "$RELEASE_SHIFT"
CONF_SRC="$PROJECT_DIR/config/local-cluster"

HOME_DIR=${RINGRIFT_SLURM_HOME:-$DEFAULT_HOME}
ROOT="$HOME_DIR/root"
SHARED="$HOME_DIR/shared"        # bind-mounted at the same path inside the root
RUN="$HOME_DIR/run"              # pid files and the mounts this script made
ENV_FILE="$HOME_DIR/cluster.env"
LOGS="$ROOT/var/log/slurm"

# the port base: the setting, else the one this home was brought up with, else the release's
PORT_BASE=${RINGRIFT_SLURM_PORT_BASE:-}
if [ -z "$PORT_BASE" ] && [ -s "$HOME_DIR/port-base" ]; then
  PORT_BASE=$(cat "$HOME_DIR/port-base")
fi
PORT_BASE=${PORT_BASE:-$DEFAULT_PORT_BASE}
[[ $PORT_BASE =~ ^[0-9]+$ ]] && [ "$PORT_BASE" -ge 1024 ] && [ "$PORT_BASE" -le 65000 ] ||
  { printf '[local-slurm] ERROR: RINGRIFT_SLURM_PORT_BASE=%s is not a port number from 1024 to 65000\n' "$PORT_BASE" >&2; exit 2; }
if [ "$PORT_BASE" = "$DEFAULT_PORT_BASE" ]; then CLUSTER=$DEFAULT_CLUSTER; else CLUSTER=$DEFAULT_CLUSTER-$PORT_BASE; fi

# the topology: the setting, else the one this home was brought up with, else one node
TOPOLOGY=${RINGRIFT_SLURM_NODES:-}
if [ -z "$TOPOLOGY" ] && [ -s "$HOME_DIR/nodes" ]; then
  TOPOLOGY=$(cat "$HOME_DIR/nodes")
fi
TOPOLOGY=${TOPOLOGY:-single}
case $TOPOLOGY in single | multi) ;; *)
  printf '[local-slurm] ERROR: RINGRIFT_SLURM_NODES=%s is neither single nor multi\n' "$TOPOLOGY" >&2; exit 2 ;;
esac
# the nodes of the multi-node cluster: name, CPUs, memory (MB), GPUs, feature, partition
MULTI_NODES=(
  "train1 8 16000 4 x86_64 gpu-train"
  "train2 8 16000 4 x86_64 gpu-train"
  "selfplay1 4 8000 2 x86_64 gpu-selfplay"
  "selfplay2 4 8000 2 x86_64 gpu-selfplay"
  "eval1 4 8000 0 x86_64 cpu-eval"
  "gh200-1 8 16000 1 aarch64 gpu-gh200"
)
NODE_NAMES=(localhost)
if [ "$TOPOLOGY" = multi ]; then
  NODE_NAMES=()
  for n in "${MULTI_NODES[@]}"; do NODE_NAMES+=("${n%% *}"); done
fi
# their network (multi): a bridge with the host at .1 and node i at .(11+i) of 10.X.Y.0/24, X.Y
# from the port base (7600: 10.76.0), so instances on other bases do not meet
NET_PREFIX=10.$(((PORT_BASE / 100) % 256)).$((PORT_BASE % 100))
BRIDGE=rrs$PORT_BASE
HOST_ADDR=$NET_PREFIX.1
# the backup slurmctld (multi): a host of its own, ctl2 at .2, sharing StateSaveLocation (the root)
BACKUP_CTLD=ctl2
BACKUP_ADDR=$NET_PREFIX.2

REST_PORT=${SLURMRESTD_PORT:-$((PORT_BASE + 20))}
JOB_USER=${RINGRIFT_SLURM_USER:-ringrift}
JOB_UID=4242
REST_USER=slurmrest
REST_UID=4243
ACCOUNT=ringrift
DB_PORT=$((PORT_BASE + 16))
CTLD_PORT=$((PORT_BASE + 17))
SLURMD_PORT=$((PORT_BASE + 18))
DBD_PORT=$((PORT_BASE + 19))
MIN_JOB_AGE=${SLURM_MIN_JOB_AGE:-30}
NODE_CPUS=8
NODE_MEMORY_MB=16000

# python3-minimal: the loop's canonical scripts (and the tests' stand-ins for them) are Python
PACKAGES=slurmctld,slurmd,slurmrestd,slurm-client,slurm-wlm-jwt-plugin,slurmdbd,mariadb-server,python3-minimal
# installed with apt once debootstrap is done (trixie has no apptainer: it comes from sid, pinned);
# squashfuse lets apptainer mount a SIF unprivileged instead of unpacking it to /tmp at every start
APT_PACKAGES=apptainer,squashfuse
ROOT_MARKER="$ROOT/.ringrift-root"     # written last by a debootstrap that finished
# what the marker holds: the package list (and the suite, for roots other than trixie)
MARKER_VALUE=$([ "$SUITE" = trixie ] && echo "$PACKAGES,$APT_PACKAGES" || echo "$SUITE:$PACKAGES,$APT_PACKAGES")
ARCH=$(uname -m)
IMAGE_NAME=ringrift-$([ "$ARCH" = aarch64 ] && echo arm64 || echo "$ARCH").sif
IMAGE_BUILD=/var/lib/ringrift-image    # in the root: the image's tree, the SIF and its stamp
IMAGE="$SHARED/images/$IMAGE_NAME"     # where the jobs (and config) find it: the same path everywhere
IMAGE_RECIPE=1                         # raise when build_image makes a different image
if [ "$TOPOLOGY" = multi ]; then
  DAEMONS=(mariadb slurmdbd slurmctld "slurmctld@$BACKUP_CTLD")
  for n in "${NODE_NAMES[@]}"; do DAEMONS+=("slurmd@$n"); done
  DAEMONS+=(slurmrestd)
else
  DAEMONS=(mariadb slurmdbd slurmctld slurmd slurmrestd)
fi

log() { printf '[local-slurm] %s\n' "$*" >&2; }
die() { printf '[local-slurm] ERROR: %s\n' "$*" >&2; exit 1; }

# Short commands in the root (scontrol, sacctmgr, apt-get, useradd): chroot is enough for them.
in_root() { env -u SLURM_JWT chroot "$ROOT" "$@"; }

# The daemons, and whatever must be able to make user namespaces (apptainer), enter the root with
# pivot_root in a private mount namespace: the kernel refuses a user namespace to a chrooted process
# (its root is not its mount namespace's root), but not to one whose namespace root is the Debian
# root. The root is bound onto itself (pivot_root needs a mount point), with the mounts under it
# (/proc, /dev, /sys, the shared tree); the old root is detached, so nothing of the host's
# filesystem is left in the namespace. No fork: the command keeps this process's pid.
ENTER_SCRIPT='
set -e
mount --rbind "$0" "$0"
cd "$0"
pivot_root . .
umount -l .
cd /
exec "$@"'
ENTER=(env -u SLURM_JWT unshare --mount --propagation private -- /bin/sh -c "$ENTER_SCRIPT" "$ROOT")
in_namespace() { "${ENTER[@]}" "$@"; }

require_root() {
  [ "$(id -u)" = 0 ] || die "this must run as root: it uses debootstrap, chroot, unshare, mount and mknod. Run it with sudo, or on a machine where you are root."
}

# ---------------------------------------------------------------- the Debian root

root_is_valid() {
  [ -f "$ROOT_MARKER" ] && [ "$(cat "$ROOT_MARKER")" = "$MARKER_VALUE" ] || return 1
  local bin
  for bin in slurmctld slurmd slurmdbd slurmrestd mariadbd; do
    # /usr/sbin/slurmctld is a symlink into /etc/alternatives: test it from inside the root.
    in_root test -x "/usr/sbin/$bin" || return 1
  done
  in_root test -x /usr/bin/sacctmgr && in_root test -x /usr/bin/scontrol && in_root test -x /usr/bin/python3 &&
    in_root test -x /usr/bin/apptainer && in_root test -x /usr/bin/squashfuse
}

root_has_slurm() {
  [ -f "$ROOT_MARKER" ] && in_root test -x /usr/sbin/slurmctld && in_root test -x /usr/sbin/slurmrestd
}

# apt-get inside a root (DIR): /proc, /dev and /sys bound for the packages' scripts while it runs
apt_in() { # dir apt-get-arguments...
  local dir=$1 m made=() rc=0; shift
  for m in proc dev sys; do
    if ! mountpoint -q "$dir/$m"; then mount --bind "/$m" "$dir/$m" && made+=("$dir/$m"); fi
  done
  # the registry can lag behind sid's Valid-Until: do not refuse its Release file for that
  env -u SLURM_JWT DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get -o Acquire::Check-Valid-Until=false "$@" || rc=$?
  for m in "${made[@]}"; do umount -l "$m" 2>/dev/null || true; done
  return $rc
}

# Adds every package of the list to the root in DIR with apt (what debootstrap cannot add, and what
# a root made from an earlier list lacks). Trixie has no apptainer (nor its backports): sid's package
# is taken for it alone, pinned so that nothing else ever comes from sid; its dependencies
# (squashfs-tools, uidmap, libseccomp2, ...) are trixie's, and its libc6 >= 2.38 holds there.
add_packages() { # dir
  local dir=$1 mirror
  if [ "$SUITE" = trixie ]; then
    # the same package registry as the root's own trixie line (debootstrap's default)
    mirror=$(awk '$1 == "deb" && $3 == "trixie" {print $2; exit}' "$dir/etc/apt/sources.list" 2>/dev/null)
    [ -n "$mirror" ] || { log "no 'deb URL trixie' line in $dir/etc/apt/sources.list to take sid's apptainer from"; return 1; }
    echo "deb [check-valid-until=no] $mirror sid main" >"$dir/etc/apt/sources.list.d/ringrift-sid-apptainer.list"
    cat >"$dir/etc/apt/preferences.d/ringrift-sid-apptainer" <<'EOF'
# only apptainer comes from sid (trixie has none); everything else stays trixie's
Package: *
Pin: release n=sid
Pin-Priority: -1

Package: apptainer
Pin: release n=sid
Pin-Priority: 500
EOF
  fi
  apt_in "$dir" update -qq &&
    apt_in "$dir" install -y -qq --no-install-recommends ${PACKAGES//,/ } ${APT_PACKAGES//,/ }
}

ensure_root() {
  if root_is_valid; then
    log "reusing the Debian $SUITE root at $ROOT (Slurm $RELEASE)"
    return
  fi
  if [ -f "$ROOT_MARKER" ]; then
    # a root of another suite is never changed into this one (a home given for the other release)
    local had
    had=$(cat "$ROOT_MARKER")
    if [[ $had =~ ^([a-z]+): ]]; then had=${BASH_REMATCH[1]}; else had=trixie; fi
    [ "$had" = "$SUITE" ] || die "the root at $ROOT is Debian $had, not $SUITE (Slurm $RELEASE): give this release another RINGRIFT_SLURM_HOME, or the --release that root was made for"
  fi
  if root_has_slurm; then
    # a root from an earlier package list: add what is missing instead of building it again
    log "adding packages to the existing root: ${PACKAGES//,/ } ${APT_PACKAGES//,/ } (log: $HOME_DIR/apt-root.log)"
    if add_packages "$ROOT" >"$HOME_DIR/apt-root.log" 2>&1; then
      echo "$MARKER_VALUE" >"$ROOT_MARKER"
      root_is_valid && return
    fi
    tail -n 5 "$HOME_DIR/apt-root.log" >&2 || true
    log "could not update the root (see $HOME_DIR/apt-root.log); building it again"
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap; } >"$HOME_DIR/apt.log" 2>&1; then
      die "could not install debootstrap with apt-get (see $HOME_DIR/apt.log). This script needs Debian's package registry: check that apt-get works here."
    fi
  fi
  local building="$HOME_DIR/root.building"
  umount_all_under "$building"
  rm -rf "$building"
  log "building a Debian $SUITE root with Slurm $RELEASE at $ROOT (about 2 minutes; log: $HOME_DIR/debootstrap.log)"
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$building" >"$HOME_DIR/debootstrap.log" 2>&1; then
    tail -n 5 "$HOME_DIR/debootstrap.log" >&2 || true
    die "debootstrap of Debian $SUITE failed (full log: $HOME_DIR/debootstrap.log). It downloads Debian's packages: check that this machine reaches Debian's package registry."
  fi
  log "adding ${APT_PACKAGES//,/ } with apt (log: $HOME_DIR/apt-root.log)"
  if ! add_packages "$building" >"$HOME_DIR/apt-root.log" 2>&1; then
    tail -n 5 "$HOME_DIR/apt-root.log" >&2 || true
    die "apt-get could not add ${APT_PACKAGES//,/ } to the new Debian $SUITE root (full log: $HOME_DIR/apt-root.log)"
  fi
  echo "$MARKER_VALUE" >"$building/.ringrift-root"
  umount_all_under "$ROOT"
  rm -rf "$ROOT"
  mv "$building" "$ROOT"
  ROOT_ID=
  root_is_valid || die "the new root at $ROOT lacks Slurm's, python3's or apptainer's binaries; see $HOME_DIR/debootstrap.log and $HOME_DIR/apt-root.log"
}

# ---------------------------------------------------------------- mounts

umount_all_under() {
  local dir=$1 m
  [ -d "$dir" ] || return 0
  # deepest first
  for m in $(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

bind_mount() {
  local src=$1 dst=$2
  mkdir -p "$dst"
  if ! mountpoint -q "$dst"; then
    mount --bind "$src" "$dst"
    echo "$dst" >>"$RUN/mounts"
  fi
}

ensure_mounts() {
  bind_mount /proc "$ROOT/proc"
  bind_mount /dev "$ROOT/dev"
  bind_mount /sys "$ROOT/sys"
  bind_mount "$SHARED" "$ROOT$SHARED"
  ensure_fuse
}

# FUSE for the jobs: unprivileged apptainer mounts a SIF with squashfuse through /dev/fuse (without it,
# it unpacks the whole image to /tmp at every start). Debian makes /dev/fuse open to all (0666); where
# this host's is root's alone (0600 on some machines), the root gets a node of its own, open to all,
# bound over its /dev/fuse: the host's /dev is left as it is.
ensure_fuse() {
  local node="$ROOT/var/lib/ringrift-dev/fuse"
  [ -c /dev/fuse ] || return 0
  [ "$(stat -c %a /dev/fuse)" = 666 ] && return 0
  mountpoint -q "$ROOT/dev/fuse" && return 0
  mkdir -p "$(dirname "$node")"
  [ -c "$node" ] || mknod "$node" c "$((16#$(stat -c %t /dev/fuse)))" "$((16#$(stat -c %T /dev/fuse)))"
  chmod 0666 "$node"
  mount --bind "$node" "$ROOT/dev/fuse"
  echo "$ROOT/dev/fuse" >>"$RUN/mounts"
}

# ---------------------------------------------------------------- configuration

render() { # template -> destination, filling @NAME@ placeholders
  sed -e "s|@CLUSTER@|$CLUSTER|g" -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" \
      -e "s|@DBD_PORT@|$DBD_PORT|g" -e "s|@DB_PORT@|$DB_PORT|g" -e "s|@DB_PASSWORD@|$DB_PASSWORD|g" \
      -e "s|@MIN_JOB_AGE@|$MIN_JOB_AGE|g" -e "s|@NODE_CPUS@|$NODE_CPUS|g" \
      -e "s|@NODE_MEMORY_MB@|$NODE_MEMORY_MB|g" "$1" >"$2"
}

random_key() { # file bytes
  [ -s "$1" ] || head -c "$2" /dev/urandom >"$1"
  chmod 600 "$1"
}

ensure_config() {
  mkdir -p "$ROOT/etc/slurm" "$ROOT/var/spool/slurmctld" "$ROOT/var/spool/slurmd" "$LOGS" \
           "$ROOT/run/slurm" "$ROOT/run/mysqld" "$ROOT/var/lib/fakegpu" "$SHARED" "$RUN"
  cp /etc/hosts "$ROOT/etc/hosts"
  local i
  if [ "$TOPOLOGY" = multi ]; then
    for i in "${!NODE_NAMES[@]}"; do
      echo "$(node_addr "$i") ${NODE_NAMES[i]}" >>"$ROOT/etc/hosts"
      mkdir -p "$ROOT/var/spool/slurmd/${NODE_NAMES[i]}"
    done
  fi

  random_key "$ROOT/etc/slurm/slurm.key" 1024
  random_key "$ROOT/etc/slurm/jwt_hs256.key" 64
  [ -s "$ROOT/etc/slurm/.dbpass" ] || head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$ROOT/etc/slurm/.dbpass"
  chmod 600 "$ROOT/etc/slurm/.dbpass"
  DB_PASSWORD=$(cat "$ROOT/etc/slurm/.dbpass")

  render "$CONF_SRC/slurm.conf.in" "$ROOT/etc/slurm/slurm.conf"
  if [ -n "${SLURMCTLD_PARAMETERS:-}" ]; then
    [[ $SLURMCTLD_PARAMETERS =~ ^[A-Za-z0-9_=,.]+$ ]] ||
      die "SLURMCTLD_PARAMETERS='$SLURMCTLD_PARAMETERS' is not a comma-separated list like rl_enable,rl_bucket_size=20"
    echo "SlurmctldParameters=$SLURMCTLD_PARAMETERS" >>"$ROOT/etc/slurm/slurm.conf"
  fi
  render "$CONF_SRC/slurmdbd.conf.in" "$ROOT/etc/slurm/slurmdbd.conf"
  chmod 600 "$ROOT/etc/slurm/slurmdbd.conf"
  cp "$CONF_SRC/cgroup.conf" "$CONF_SRC/gres.conf" "$ROOT/etc/slurm/"
  [ "$TOPOLOGY" = single ] || configure_nodes
  configure_jwks

  for i in 0 1 2 3; do
    [ -c "$ROOT/var/lib/fakegpu/nvidia$i" ] || { rm -f "$ROOT/var/lib/fakegpu/nvidia$i"; mknod "$ROOT/var/lib/fakegpu/nvidia$i" c 1 3; }
  done

  in_root id "$JOB_USER" >/dev/null 2>&1 || in_root useradd -u "$JOB_UID" -m -s /bin/bash "$JOB_USER"
  in_root id "$REST_USER" >/dev/null 2>&1 || in_root useradd -u "$REST_UID" -M -s /usr/sbin/nologin "$REST_USER"
  ensure_host_user
  prepare_shared_tree
  chown "$(in_root id -u mysql):$(in_root id -g mysql)" "$ROOT/run/mysqld"
  # a root copied without its database (or whose database was removed) gets a fresh one
  # (its data directory: /var/lib/mysql in trixie, /var/lib/mariadb in sid)
  local datadir
  datadir=$(in_root mariadbd --verbose --help 2>/dev/null | awk '$1 == "datadir" {print $2}')
  if [ -n "$datadir" ] && [ ! -d "$ROOT$datadir/mysql" ]; then
    log "creating MariaDB's system tables in the root ($datadir)"
    in_root mariadb-install-db --user=mysql --datadir="$datadir" >"$HOME_DIR/mariadb-install.log" 2>&1 ||
      die "mariadb-install-db failed; see $HOME_DIR/mariadb-install.log"
  fi
}

# The multi-node cluster's slurm.conf and gres.conf: the single node's lines replaced by MULTI_NODES
# and a partition per node set; slurmctld reached at the bridge's address, under this host's name
# (Slurm reads "localhost" as the reading host's own name: on ctl2 both entries would be ctl2), the
# backup on ctl2; slurmdbd at the bridge's address too (the backup's localhost is its own); each slurmd with a spool
# directory, pid file and log of its own (%n: the node's name); a node that stops answering DOWN
# after 10 s (its jobs NODE_FAIL), back once its slurmd registers again (ReturnToService=2).
configure_nodes() {
  local conf="$ROOT/etc/slurm/slurm.conf" gres="$ROOT/etc/slurm/gres.conf" i name cpus mem gpus feature part
  local -A members=()
  local parts=()
  sed -i -e '/^NodeName=/d' -e '/^PartitionName=/d' \
    -e "s|^SlurmctldHost=.*|SlurmctldHost=$(hostname -s)($HOST_ADDR)\nSlurmctldHost=$BACKUP_CTLD($BACKUP_ADDR)|" \
    -e "s|^AccountingStorageHost=.*|AccountingStorageHost=$HOST_ADDR|" \
    -e 's|^SlurmdSpoolDir=.*|SlurmdSpoolDir=/var/spool/slurmd/%n|' -e 's|^SlurmdPidFile=.*|SlurmdPidFile=/run/slurm/slurmd-%n.pid|' \
    -e 's|^SlurmdLogFile=.*|SlurmdLogFile=/var/log/slurm/slurmd-%n.log|' "$conf"
  printf '# %s nodes, each slurmd in a network namespace of its own (scripts/local-slurm.sh, RINGRIFT_SLURM_NODES=multi)\n' \
    "${#NODE_NAMES[@]}" >"$gres"
  {
    printf '\n# %s nodes, each slurmd in a network namespace of its own (RINGRIFT_SLURM_NODES=multi)\nSlurmdTimeout=10\n' "${#NODE_NAMES[@]}"
    printf '# the backup slurmctld (%s) takes over 10 s after the primary stops answering\nSlurmctldTimeout=10\n' "$BACKUP_CTLD"
    for i in "${!MULTI_NODES[@]}"; do
      read -r name cpus mem gpus feature part <<<"${MULTI_NODES[i]}"
      printf 'NodeName=%s NodeAddr=%s CPUs=%s RealMemory=%s%s Feature=%s State=UNKNOWN\n' "$name" "$(node_addr "$i")" \
        "$cpus" "$mem" "$([ "$gpus" -gt 0 ] && echo " Gres=gpu:$gpus")" "$feature"
      if [ "$gpus" -gt 0 ]; then
        printf 'NodeName=%s Name=gpu File=/var/lib/fakegpu/nvidia%s\n' "$name" \
          "$([ "$gpus" -gt 1 ] && echo "[0-$((gpus - 1))]" || echo 0)" >>"$gres"
      fi
      [ -n "${members[$part]:-}" ] || parts+=("$part")
      members[$part]=${members[$part]:+${members[$part]},}$name
    done
    for part in "${parts[@]}"; do
      printf 'PartitionName=%s Nodes=%s%s MaxTime=INFINITE State=UP\n' "$part" "${members[$part]}" \
        "$([ "$part" = gpu-train ] && echo " Default=YES")"
    done
  } >>"$conf"
}

# RS256 tokens from an identity provider instead of the HS256 key (RINGRIFT_SLURM_JWKS=FILE): the
# AuthAltParameters line of slurm.conf and slurmdbd.conf becomes jwks=...,userclaimfield=CLAIM with
# no jwt_key=, so neither daemon loads the HS256 key and both refuse HS256 tokens (Slurm's auth/jwt
# skips the key when jwks= is set without jwt_key=, in 24.11 and 26.05). Slurm checks the signature
# (the key named by the token's kid), exp and the user claim (sun, else username, else CLAIM); not
# iss or aud. slurmrestd needs no key. The choice is kept in $HOME_DIR/jwks.env for later calls; the
# file is copied again on each call, so a restart of slurmctld and slurmdbd picks up rotated keys.
JWKS_MODE=
configure_jwks() {
  local saved="$HOME_DIR/jwks.env" source claim
  if [ "${RINGRIFT_SLURM_JWKS:-}" = none ]; then
    rm -f "$saved" "$ROOT/etc/slurm/jwks.json"
    return 0
  fi
  if [ -n "${RINGRIFT_SLURM_JWKS:-}" ]; then
    source=$RINGRIFT_SLURM_JWKS
    claim=${RINGRIFT_SLURM_USER_CLAIM:-slurm_user}
  elif [ -f "$saved" ]; then
    source=$(sed -n 's/^JWKS_SOURCE=//p' "$saved")
    claim=$(sed -n 's/^JWKS_CLAIM=//p' "$saved")
  else
    return 0
  fi
  [[ $claim =~ ^[A-Za-z0-9_.-]+$ ]] || die "RINGRIFT_SLURM_USER_CLAIM='$claim' is not a claim name like slurm_user"
  if [ -s "$source" ]; then
    # 24.11 uses only keys that say "alg": "RS256" (26.05 also takes RSA keys without alg)
    grep -q '"alg" *: *"RS256"' "$source" && grep -q '"kid"' "$source" ||
      die "$source is not a JWKS with an RS256 key with a kid and \"alg\": \"RS256\" (Slurm 24.11 ignores keys without alg)"
    install -m 644 "$source" "$ROOT/etc/slurm/jwks.json"   # Slurm refuses a jwks file others can write
  elif [ ! -s "$ROOT/etc/slurm/jwks.json" ]; then
    die "the JWKS file $source is missing or empty"
  fi
  printf 'JWKS_SOURCE=%s\nJWKS_CLAIM=%s\n' "$source" "$claim" >"$saved"
  sed -i "s|^AuthAltParameters=.*|AuthAltParameters=jwks=/etc/slurm/jwks.json,userclaimfield=$claim|" \
    "$ROOT/etc/slurm/slurm.conf" "$ROOT/etc/slurm/slurmdbd.conf"
  JWKS_MODE=$claim
}

# The jobs run as $JOB_USER and must write their output files on the shared filesystem. On a real
# cluster every host (the service's included) knows the same users with the same uids; give this
# host the job user too, so that the service can tell (and set) who owns the shared directories.
ensure_host_user() {
  local uid gid
  uid=$(in_root id -u "$JOB_USER")
  gid=$(in_root id -g "$JOB_USER")
  if ! getent group "$JOB_USER" >/dev/null 2>&1 && ! getent group "$gid" >/dev/null 2>&1; then
    groupadd -g "$gid" "$JOB_USER"
  fi
  if ! getent passwd "$JOB_USER" >/dev/null 2>&1; then
    if getent passwd "$uid" >/dev/null 2>&1; then
      log "uid $uid of the job user $JOB_USER is taken on this host by $(getent passwd "$uid" | cut -d: -f1); not adding $JOB_USER here"
    else
      useradd -u "$uid" -g "$gid" -M -N -d /nonexistent -s /usr/sbin/nologin "$JOB_USER"
    fi
  fi
  if [ "$(getent passwd "$JOB_USER" | cut -d: -f3)" != "$uid" ] && getent passwd "$JOB_USER" >/dev/null 2>&1; then
    log "WARNING: $JOB_USER has uid $(getent passwd "$JOB_USER" | cut -d: -f3) on this host but $uid in the cluster; files in $SHARED will show the wrong owner here"
  fi
}

# The shared tree as config/unified_loop.yaml lays it out (repo_dir, job_dir, log_dir), owned by
# the job user: the jobs write their logs there, whoever (root, a service) runs the command line.
# Also repairs a tree that an earlier run or a person left owned by root.
SHARED_DIRS=(slurm slurm/jobs slurm/logs ringrift)
prepare_shared_tree() {
  local uid gid d
  uid=$(in_root id -u "$JOB_USER")
  gid=$(in_root id -g "$JOB_USER")
  mkdir -p "$SHARED"
  chown "$uid:$gid" "$SHARED"
  chmod 0775 "$SHARED"
  for d in "${SHARED_DIRS[@]}"; do
    mkdir -p "$SHARED/$d"
    chown "$uid:$gid" "$SHARED/$d"
    chmod 0775 "$SHARED/$d"
  done
}

# ---------------------------------------------------------------- apptainer and the image

# apptainer as Debian configures it, with one change: no devpts instance of its own ("multiple
# devpts instances unsupported" here: /dev is the host's, bound in).
ensure_apptainer_config() {
  local conf="$ROOT/etc/apptainer/apptainer.conf"
  [ -f "$conf" ] || die "no $conf in the root: apptainer's package did not install; run $0 up again, or see $HOME_DIR/apt-root.log"
  grep -q '^mount devpts = no$' "$conf" || sed -i 's/^mount devpts = .*/mount devpts = no/' "$conf"
  grep -q '^mount devpts = no$' "$conf" || echo 'mount devpts = no' >>"$conf"
}

# The image's tree, made inside the root from the root's own installed packages: python3-minimal,
# bash and coreutils with everything they depend on (no registry, no download), plus
# /etc/ringrift-image, a file only the image has: jobs print it to show where they ran.
IMAGE_TREE_SCRIPT='
set -euo pipefail
tree=$1 id=$2
rm -rf "$tree"; mkdir -p "$tree"
cd /
for d in bin sbin lib lib64; do   # the same merged /usr as the root
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$tree/$d"; fi
done
pkgs=$(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances python3-minimal bash coreutils dash | grep -E "^[a-z0-9]" | sort -u)
for p in $pkgs; do
  dpkg-query -W -f "\${db:Status-Status}" "$p" 2>/dev/null | grep -qx installed || continue
  dpkg -L "$p"
done | grep -vE "^/usr/share/(doc|man|info|locale|lintian)/" | sort -u | while read -r f; do
  if [ -L "$f" ] || [ -f "$f" ]; then
    printf "%s/%s\n" "$(readlink -f "$(dirname "$f")")" "$(basename "$f")"
  fi
done | sed "s|^/||" | sort -u >/tmp/ringrift-image.files
tar -C / --no-recursion -cf - -T /tmp/ringrift-image.files | tar -C "$tree" -xf -
rm -f /tmp/ringrift-image.files
mkdir -p "$tree"/{etc,proc,sys,dev,tmp,var/tmp,home,root,run,mnt}
chmod 1777 "$tree/tmp" "$tree/var/tmp"
printf "root:x:0:0:root:/root:/bin/bash\n" >"$tree/etc/passwd"
printf "root:x:0:\n" >"$tree/etc/group"
printf "%s\n" "$id" >"$tree/etc/ringrift-image"
'

# what the image is made of: when this changes, the image is built again
image_id() {
  printf 'ringrift-image recipe=%s arch=%s debian=%s python3=%s apptainer=%s\n' "$IMAGE_RECIPE" "$ARCH" "$SUITE" \
    "$(in_root dpkg-query -W -f '${Version}' python3-minimal)" "$(in_root dpkg-query -W -f '${Version}' apptainer)"
}

# Builds the SIF once per root (reused while its stamp matches and apptainer can read it), and puts
# it in the shared tree, where the jobs find it at the same path as this host does.
ensure_image() {
  local id sif="$IMAGE_BUILD/$IMAGE_NAME" t0=$SECONDS
  id=$(image_id)
  if [ "$(cat "$ROOT$sif.stamp" 2>/dev/null)" = "$id" ] && in_namespace apptainer sif list "$sif" >/dev/null 2>&1; then
    :
  else
    log "building the container image $IMAGE_NAME (python3 from the root's packages; log: $HOME_DIR/image.log)"
    rm -f "$ROOT$sif.stamp"
    {
      in_root bash -c "$IMAGE_TREE_SCRIPT" ringrift-image "$IMAGE_BUILD/tree" "$id" &&
        in_namespace apptainer build --force "$sif.new" "$IMAGE_BUILD/tree"
    } >"$HOME_DIR/image.log" 2>&1 || { tail -n 10 "$HOME_DIR/image.log" >&2; die "could not build the container image; see $HOME_DIR/image.log"; }
    mv "$ROOT$sif.new" "$ROOT$sif"
    rm -rf "$ROOT$IMAGE_BUILD/tree"
    echo "$id" >"$ROOT$sif.stamp"
    log "built $IMAGE_NAME ($(du -h "$ROOT$sif" | cut -f1)) in $((SECONDS - t0)) s"
  fi
  mkdir -p "$(dirname "$IMAGE")"
  chmod 0755 "$(dirname "$IMAGE")"
  if ! cmp -s "$ROOT$sif" "$IMAGE"; then
    cp "$ROOT$sif" "$IMAGE.new" && chmod 0644 "$IMAGE.new" && mv "$IMAGE.new" "$IMAGE"
  fi
  IMAGE_ID=$id
}

# ---------------------------------------------------------------- the nodes' network (multi)

node_addr() { echo "$NET_PREFIX.$((11 + $1))"; }   # index in NODE_NAMES
netns_of() { echo "rrs$PORT_BASE-$1"; }            # node (or backup controller) name -> its network namespace

# A bridge with the host's address, and per node a network namespace joined to it by a veth pair
# (the namespace's end is its eth0). Made again where missing; down removes it.
ensure_network() {
  [ "$TOPOLOGY" = multi ] || return 0
  command -v ip >/dev/null 2>&1 || die "the multi-node cluster needs the ip command (Debian: apt-get install iproute2)"
  local i ns veth
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge ||
    die "could not make the bridge $BRIDGE: the multi-node cluster needs network namespaces and bridges (root, CAP_NET_ADMIN)"
  # (the listing is read whole first: grep -q leaving early would fail the pipe under pipefail)
  [[ $(ip -o addr show dev "$BRIDGE") == *" $HOST_ADDR/"* ]] || ip addr add "$HOST_ADDR/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for i in "${!NODE_NAMES[@]}"; do
    ensure_host_net "${NODE_NAMES[i]}" "$(node_addr "$i")" "v$PORT_BASE-$i"
  done
  ensure_host_net "$BACKUP_CTLD" "$BACKUP_ADDR" "v$PORT_BASE-c"
}

ensure_host_net() { # name address veth: its namespace, joined to the bridge, with that address
  local ns veth=$3
  ns=$(netns_of "$1")
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip -n "$ns" link del eth0 2>/dev/null || true
    ip link add "$veth" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  [[ $(ip -n "$ns" -o addr show dev eth0) == *" $2/"* ]] || ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" link set eth0 up
}

remove_network() {
  [ "$TOPOLOGY" = multi ] || return 0
  local n
  for n in "${NODE_NAMES[@]}" "$BACKUP_CTLD"; do ip netns del "$(netns_of "$n")" 2>/dev/null || true; done
  ip link del "$BRIDGE" 2>/dev/null || true
}

# what enters a node (or the backup controller's host): its network namespace, a UTS namespace named
# after it, a /run/slurm of its own (the daemons' pid files: slurmctld's has one name for both
# controllers), then the root as ENTER does
node_enter() { # node -> NODE_ENTER
  NODE_ENTER=(env -u SLURM_JWT nsenter --net="/run/netns/$(netns_of "$1")" -- unshare --mount --uts --propagation private --
    /bin/sh -c "echo $1 >/proc/sys/kernel/hostname
mount -t tmpfs -o mode=0755 ringrift-run \"\$0/run/slurm\"
$ENTER_SCRIPT" "$ROOT")
}

# ---------------------------------------------------------------- processes

pid_of() { [ -s "$RUN/$1.pid" ] && cat "$RUN/$1.pid"; }

# Whether a process runs this daemon's binary (mariadb: mariadbd; Debian's slurmctld-wlm and
# slurmd-wlm count) inside this root. Its root is compared by device and inode (stat through
# /proc/PID/root), not by path: a daemon entered with pivot_root has its own mount namespace, where
# /proc/PID/root reads "/", while a daemon an older version of this script chrooted reads the path.
# NAME@HOST (a node's slurmd, the backup slurmctld@ctl2) must be in that host's network namespace.
runs_daemon() { # pid name
  local exe bin=$2 node=
  [ "$bin" = mariadb ] && bin=mariadbd
  if [[ $bin == *@* ]]; then node=${bin#*@}; bin=${bin%%@*}; fi
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  exe=${exe##*/}
  { [ "$exe" = "$bin" ] || [[ $exe == "$bin"-* ]]; } || return 1
  [ -n "${ROOT_ID:-}" ] || ROOT_ID=$(stat -L -c %d:%i "$ROOT" 2>/dev/null) || return 1
  [ "$(stat -L -c %d:%i "/proc/$1/root" 2>/dev/null)" = "$ROOT_ID" ] || return 1
  # in its host's network namespace: a node's, or this host's for the others (the backup slurmctld runs
  # the same binary in the same root)
  if [ -n "$node" ]; then
    [ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" = "$(stat -L -c %i "/run/netns/$(netns_of "$node")" 2>/dev/null)" ]
  else
    [ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" = "$(stat -L -c %i /proc/self/ns/net)" ]
  fi
}

# A pid file can be wrong: it outlives its process (after a reboot, or on a machine that kept this
# directory from an earlier one, the pid may belong to an unrelated live process), and the process
# recorded at start may not be the one that stays. Only a process that runs the daemon's binary in
# this root counts; when the recorded one does not, the daemon is looked for among all processes
# (the oldest match: slurmctld's own helper runs its binary too) and the pid file corrected.
is_running() {
  local pid p
  pid=$(pid_of "$1") || pid=
  if [[ $pid =~ ^[0-9]+$ ]] && runs_daemon "$pid" "$1"; then
    return 0
  fi
  for p in $(ls /proc | grep -E '^[0-9]+$' | sort -n); do
    if runs_daemon "$p" "$1"; then
      echo "$p" >"$RUN/$1.pid" 2>/dev/null || true
      return 0
    fi
  done
  return 1
}

# A daemon an older version of this script started with chroot shares this host's mount namespace:
# its jobs cannot make user namespaces. Such daemons are stopped here and started again below.
restart_chrooted() {
  local i name pid host
  host=$(readlink /proc/self/ns/mnt)
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
    name=${DAEMONS[i]}
    if is_running "$name"; then
      pid=$(pid_of "$name")
      if [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$host" ]; then
        log "$name (pid $pid) runs chrooted, as an older version of this script started it: starting it again in its own mount namespace"
        stop_daemon "$name"
      fi
    fi
  done
}

port_of() {
  case $1 in mariadb) echo "$DB_PORT" ;; slurmdbd) echo "$DBD_PORT" ;; slurmctld) echo "$CTLD_PORT" ;;
    slurmd) echo "$SLURMD_PORT" ;; slurmrestd) echo "$REST_PORT" ;; esac   # NAME@HOST: in its own network
}

start_daemon() { # name logfile command... ; runs it in the background, records its pid
  local name=$1 logfile=$2 port; shift 2
  port=$(port_of "$name")
  # a daemon that was just stopped may still hold its port for a moment
  [ -z "$port" ] || wait_for "$name's port $port to be free" 20 bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" ||
    die "port $port on 127.0.0.1, which $name needs, is held by another program; stop it or run $0 down (for slurmrestd, SLURMRESTD_PORT picks another port)"
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
  # once it runs its own binary, is_running records the daemon's own pid if $! was not it
  wait_for "$name to start" 5 is_running "$name" || true
}

wait_for() { # description seconds command...
  local what=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# root logs in over the socket (unix_socket auth); slurmdbd uses TCP with its own password
db() { in_root mariadb --socket=/run/mysqld/mysqld.sock -u root "$@"; }

start_mariadb() {
  if ! is_running mariadb; then
    log "starting MariaDB on 127.0.0.1:$DB_PORT"
    start_daemon mariadb "$LOGS/mariadb.log" "${ENTER[@]}" /usr/sbin/mariadbd --user=mysql \
      --bind-address=127.0.0.1 --port="$DB_PORT" --socket=/run/mysqld/mysqld.sock \
      --pid-file=/run/mysqld/mysqld.pid
  fi
  if ! wait_for "MariaDB" 60 db -e 'SELECT 1'; then
    tail -n 15 "$LOGS/mariadb.log" >&2 || true
    die "MariaDB did not start; see $LOGS/mariadb.log"
  fi
  db -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
         CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
         CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
         ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
         ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
         GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
         GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
}

start_slurmdbd() {
  if ! is_running slurmdbd; then
    log "starting slurmdbd"
    start_daemon slurmdbd "$LOGS/slurmdbd.out" "${ENTER[@]}" /usr/sbin/slurmdbd -D
  fi
  wait_for "slurmdbd" 60 in_root sacctmgr -n list cluster || die "slurmdbd did not answer; see $LOGS/slurmdbd.log"
}

ensure_accounting() {
  # Before slurmctld's first start: a slurmctld started without its cluster in slurmdbd leaves
  # a cluster id in StateSaveLocation that slurmdbd later rejects (CLUSTER ID MISMATCH).
  if ! in_root sacctmgr -n -P list cluster format=cluster | grep -qx "$CLUSTER"; then
    log "registering cluster $CLUSTER in slurmdbd (fresh slurmctld state)"
    rm -rf "$ROOT/var/spool/slurmctld" && mkdir -p "$ROOT/var/spool/slurmctld"
    in_root sacctmgr -i add cluster "$CLUSTER" >/dev/null
  fi
  in_root sacctmgr -n -P list account "$ACCOUNT" format=account | grep -qx "$ACCOUNT" ||
    in_root sacctmgr -i add account "$ACCOUNT" cluster="$CLUSTER" description="RingRift training loop" organization=ringrift >/dev/null
  local user
  for user in "$JOB_USER" root; do
    in_root sacctmgr -n -P list association cluster="$CLUSTER" account="$ACCOUNT" user="$user" format=user | grep -qx "$user" ||
      in_root sacctmgr -i add user "$user" account="$ACCOUNT" cluster="$CLUSTER" defaultaccount="$ACCOUNT" >/dev/null
  done
}

start_slurmctld() {
  if ! is_running slurmctld; then
    log "starting slurmctld"
    start_daemon slurmctld "$LOGS/slurmctld.out" "${ENTER[@]}" /usr/sbin/slurmctld -D
  fi
  if [ "$TOPOLOGY" = single ]; then
    wait_for "slurmctld" 60 in_root scontrol ping || die "slurmctld did not answer ping; see $LOGS/slurmctld.log"
    return 0
  fi
  wait_for "slurmctld" 60 ctld_up primary || die "slurmctld did not answer ping; see $LOGS/slurmctld.log"
  if ! is_running "slurmctld@$BACKUP_CTLD"; then
    log "starting the backup slurmctld on $BACKUP_CTLD"
    node_enter "$BACKUP_CTLD"
    start_daemon "slurmctld@$BACKUP_CTLD" "$LOGS/slurmctld-$BACKUP_CTLD.out" "${NODE_ENTER[@]}" /usr/sbin/slurmctld -D
  fi
  wait_for "the backup slurmctld" 60 ctld_up backup || die "the backup slurmctld on $BACKUP_CTLD did not answer ping; see $LOGS/slurmctld.log"
}

# whether scontrol ping says this controller (primary, backup) is UP
ctld_up() { # primary|backup
  local out
  out=$(in_root scontrol ping 2>&1) || true
  [[ $out == *"($1) at "*" is UP"* ]]
}

node_state() { in_root sinfo -h -N -n "$1" -o '%T' | head -n 1; }   # node

node_ready() { # node
  case "$(node_state "$1")" in idle* | mixed* | allocated* | completing*) return 0 ;; *) return 1 ;; esac
}

# One slurmd (localhost, in the host's network), or one per node of the multi-node cluster, each in
# its node's namespaces; then every node must be ready.
start_slurmd() {
  local n
  if [ "$TOPOLOGY" = single ]; then
    if ! is_running slurmd; then
      log "starting slurmd"
      start_daemon slurmd "$LOGS/slurmd.out" "${ENTER[@]}" /usr/sbin/slurmd -D -N localhost
    fi
  else
    for n in "${NODE_NAMES[@]}"; do
      if ! is_running "slurmd@$n"; then
        log "starting the slurmd of node $n"
        node_enter "$n"
        start_daemon "slurmd@$n" "$LOGS/slurmd-$n.out" "${NODE_ENTER[@]}" /usr/sbin/slurmd -D -N "$n"
      fi
    done
  fi
  for n in "${NODE_NAMES[@]}"; do
    if ! wait_for "node $n" 30 node_ready "$n"; then
      # a node left down or drained by an earlier run comes back once slurmd answers
      in_root scontrol update nodename="$n" state=resume >/dev/null 2>&1 || true
      wait_for "node $n" 30 node_ready "$n" ||
        die "node $n is '$(node_state "$n")', not idle; see $LOGS/slurmd$([ "$TOPOLOGY" = multi ] && echo "-$n").log"
    fi
  done
}

start_slurmrestd() {
  if ! is_running slurmrestd; then
    log "starting slurmrestd on 127.0.0.1:$REST_PORT"
    # slurmrestd refuses to run as root or SlurmUser; SLURM_JWT=daemon makes it accept JWTs.
    start_daemon slurmrestd "$LOGS/slurmrestd.log" "${ENTER[@]}" \
      /usr/bin/setpriv --reuid="$REST_USER" --regid="$REST_USER" --clear-groups /usr/bin/env SLURM_JWT=daemon /usr/sbin/slurmrestd -s openapi/slurmctld,openapi/slurmdbd ${SLURMRESTD_OPTIONS:-} \
      "127.0.0.1:$REST_PORT"
  fi
  wait_for "slurmrestd" 30 port_open "$REST_PORT" || die "slurmrestd did not open port $REST_PORT; see $LOGS/slurmrestd.log"
}

write_env_file() {
  cat >"$ENV_FILE" <<EOF
SLURM_RELEASE=$RELEASE
SLURM_CLUSTER_HOME=$HOME_DIR
SLURM_REST_URL=http://127.0.0.1:$REST_PORT
SLURM_CLUSTER_NAME=$CLUSTER
SLURM_CLUSTER_USER=$JOB_USER
SLURM_CLUSTER_ACCOUNT=$ACCOUNT
SLURM_JWT_KEY_FILE=$ROOT/etc/slurm/jwt_hs256.key
SLURM_SHARED_DIR=$SHARED
SLURM_CLUSTER_ROOT=$ROOT
SLURM_MIN_JOB_AGE=$MIN_JOB_AGE
SLURM_CONTAINER_RUNTIME=apptainer
SLURM_CONTAINER_IMAGE=$IMAGE
SLURM_CONTAINER_IMAGE_FILE=/etc/ringrift-image
SLURM_CONTAINER_IMAGE_ID=$IMAGE_ID
SLURM_NODES=$TOPOLOGY
SLURM_NODE_NAMES=$(IFS=,; echo "${NODE_NAMES[*]}")
EOF
  if [ -n "$JWKS_MODE" ]; then
    # the daemons load no HS256 key: SLURM_JWT_KEY_FILE stays on disk, and tokens signed with it are refused
    printf 'SLURM_AUTH=jwks\nSLURM_JWKS_FILE=%s\nSLURM_JWT_USER_CLAIM=%s\n' "$ROOT/etc/slurm/jwks.json" "$JWKS_MODE" >>"$ENV_FILE"
  else
    echo "SLURM_AUTH=jwt_key" >>"$ENV_FILE"
  fi
}

# ---------------------------------------------------------------- commands

cmd_up() {
  require_root
  mkdir -p "$HOME_DIR" "$RUN"
  local t0=$SECONDS
  ensure_root
  echo "$PORT_BASE" >"$HOME_DIR/port-base"
  if [ -s "$HOME_DIR/nodes" ] && [ "$(cat "$HOME_DIR/nodes")" != "$TOPOLOGY" ] && is_running slurmctld; then
    die "the cluster at $HOME_DIR runs $(cat "$HOME_DIR/nodes")-node; stop it first (RINGRIFT_SLURM_NODES=$(cat "$HOME_DIR/nodes") $0 down), then bring it up as $TOPOLOGY"
  fi
  echo "$TOPOLOGY" >"$HOME_DIR/nodes"
  ensure_config
  ensure_network
  ensure_mounts
  ensure_apptainer_config
  ensure_image
  restart_chrooted
  start_mariadb
  start_slurmdbd
  ensure_accounting
  start_slurmctld
  start_slurmd
  start_slurmrestd
  write_env_file
  log "Slurm $RELEASE cluster of ${#NODE_NAMES[@]} node(s) up in $((SECONDS - t0)) s: slurmrestd at http://127.0.0.1:$REST_PORT, jobs run as $JOB_USER, shared dir $SHARED"
  log "connection facts: $ENV_FILE"
}

stop_daemon() {
  local name=$1 pid
  if is_running "$name"; then
    pid=$(pid_of "$name")
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    wait_for "$name to stop" 30 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
}

# the daemons these names mean (slurmd: every node's); dies for a name that is none of them
expand_daemons() { # names... -> EXPANDED
  local name d
  EXPANDED=()
  for name in "$@"; do
    if [ "$name" = slurmd ] && [ "$TOPOLOGY" = multi ]; then
      for d in "${DAEMONS[@]}"; do [[ $d != slurmd@* ]] || EXPANDED+=("$d"); done
    else
      [[ " ${DAEMONS[*]} " == *" $name "* ]] || die "'$name' is not one of this cluster's daemons: ${DAEMONS[*]}"
      EXPANDED+=("$name")
    fi
  done
}

cmd_restart() {
  require_root
  local i
  expand_daemons "$@"
  set -- "${EXPANDED[@]}"
  [ $# -gt 0 ] || set -- "${DAEMONS[@]}"
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do # dependents first
    if [[ " $* " == *" ${DAEMONS[i]} "* ]]; then stop_daemon "${DAEMONS[i]}"; fi
  done
  cmd_up
}

cmd_stop() {
  require_root
  local name i
  [ $# -gt 0 ] || die "usage: $0 stop DAEMON... (one of: ${DAEMONS[*]}); to stop all, $0 down"
  expand_daemons "$@"
  set -- "${EXPANDED[@]}"
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do # dependents first
    if [[ " $* " == *" ${DAEMONS[i]} "* ]]; then stop_daemon "${DAEMONS[i]}"; fi
  done
}

cmd_down() {
  require_root
  local i
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
    stop_daemon "${DAEMONS[i]}"
  done
  if [ -s "$RUN/mounts" ]; then
    sort -r -u "$RUN/mounts" | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -f "$RUN/mounts"
  fi
  remove_network
  log "stopped"
}

cmd_status() {
  local name all=0
  for name in "${DAEMONS[@]}"; do
    if is_running "$name"; then
      printf '%-11s up (pid %s)\n' "$name" "$(pid_of "$name")"
    else
      printf '%-11s down\n' "$name"
      all=1
    fi
  done
  if root_is_valid; then echo "root        $ROOT"; else echo "root        missing (run: $0 up)"; all=1; fi
  echo "slurmrestd  http://127.0.0.1:$REST_PORT"
  if [ -f "$IMAGE" ]; then echo "image       $IMAGE"; else echo "image       missing (run: $0 up)"; fi
  return $all
}

cmd_token() {
  local user=${1:?usage: $0 token USER [LIFESPAN_SECONDS]} lifespan=${2:-1800}
  [[ $lifespan =~ ^[0-9]+$ ]] || die "lifespan must be a number of seconds, not '$lifespan'"
  root_is_valid || die "no cluster root at $ROOT; run: $0 up"
  is_running slurmctld || die "slurmctld is not running; run: $0 up"
  [ ! -f "$HOME_DIR/jwks.env" ] || die "this cluster takes RS256 tokens from its identity provider (RINGRIFT_SLURM_JWKS) and has no HS256 key to sign with"
  local out
  out=$(in_root scontrol token username="$user" lifespan="$lifespan" 2>&1) || die "scontrol token failed: $out"
  printf '%s\n' "${out#SLURM_JWT=}"
}

cmd_exec() {
  [ $# -gt 0 ] || die "usage: $0 exec COMMAND [ARGS...]"
  root_is_valid || die "no cluster root at $ROOT; run: $0 up"
  in_root "$@"
}

cmd_env() {
  [ -f "$ENV_FILE" ] || die "no $ENV_FILE yet; run: $0 up"
  cat "$ENV_FILE"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  restart) shift; cmd_restart "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) cmd_status ;;
  token) shift; cmd_token "$@" ;;
  env) cmd_env ;;
  home) echo "$HOME_DIR" ;;
  exec) shift; cmd_exec "$@" ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
