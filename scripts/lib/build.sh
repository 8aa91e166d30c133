# The project's build as the scripts run it: source this file.
# quiet_build LOG MAVEN-ARGS...: mvn -B -q -ntp MAVEN-ARGS, saying nothing unless it fails (the code
# generator prints a banner of its own even with -q); on a failure prints the log and returns 1.
quiet_build() {
  local log=$1
  shift
  command -v mvn >/dev/null 2>&1 || { echo "ERROR: Maven (mvn) is not installed; install it (Debian: apt-get install maven)" >&2; return 1; }
  mkdir -p "$(dirname "$log")"
  if ! mvn -B -q -ntp "$@" >"$log" 2>&1 </dev/null; then
    cat "$log" >&2
    echo "ERROR: the build failed (mvn $*; log: $log)" >&2
    return 1
  fi
}
