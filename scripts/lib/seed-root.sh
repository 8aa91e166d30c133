# A cluster instance's Debian root copied from another instance's: source this file.

# seed_root SRC_HOME DST_HOME: copies SRC_HOME/root (the release's default cluster) to DST_HOME/root
# without its state, keys and database (a fresh MariaDB data directory instead), which saves a
# debootstrap. Nothing to do when DST_HOME already has a root, or SRC_HOME has none (then
# scripts/local-slurm.sh builds one). Needs the caller's log and die.
seed_root() {
  local src="$1/root" dst="$2/root" datadir
  [ -f "$dst/.ringrift-root" ] && return 0
  [ -f "$src/.ringrift-root" ] || return 0
  log "copying the Debian root of $1 (without its state) to $dst"
  mkdir -p "$2"
  rm -rf "$dst.copy" && mkdir -p "$dst.copy"
  tar -C "$src" --one-file-system --exclude=./proc --exclude=./dev --exclude=./sys --exclude='./var/lib/ringrift-*' \
    --exclude=./var/lib/mysql --exclude=./var/lib/mariadb --exclude='./var/spool/slurmctld/*' --exclude='./var/spool/slurmd/*' \
    --exclude='./var/log/slurm/*' --exclude='./etc/slurm/*' --exclude='./run/*' -cf - . | tar -C "$dst.copy" -xf -
  datadir=$(chroot "$dst.copy" mariadbd --verbose --help 2>/dev/null | awk '$1 == "datadir" {print $2}')
  [ -n "$datadir" ] || die "cannot tell the MariaDB data directory of the copied root"
  mkdir -p "$dst.copy$datadir" "$dst.copy/dev" "$dst.copy/proc"
  chroot "$dst.copy" chown mysql:mysql "$datadir"
  mount --bind /dev "$dst.copy/dev"
  mount --bind /proc "$dst.copy/proc"
  if ! chroot "$dst.copy" mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db >"$2/mariadb-install.log" 2>&1; then
    umount "$dst.copy/dev" "$dst.copy/proc"
    die "mariadb-install-db failed in the copied root (log: $2/mariadb-install.log)"
  fi
  umount "$dst.copy/dev" "$dst.copy/proc"
  mv "$dst.copy" "$dst"
}
