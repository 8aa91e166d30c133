# The version table (openapi/versions.json) as the scripts read it: source this file.
# The table keeps each release on one line and opens each version's entry with its "version" field
# on a line of its own; VersionTableTest checks that these functions answer as the SDK's own reader.
VERSIONS_TABLE=${VERSIONS_TABLE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/openapi/versions.json}

# the data parser versions the SDK speaks, oldest first, one a line
versions_spoken() {
  sed -n 's/^ *{"version": "\(v[0-9.]*\)".*/\1/p' "$VERSIONS_TABLE"
}

# the releases the local clusters are built for (scripts/local-slurm.sh --release R), oldest first
versions_local_releases() {
  grep '"localCluster"' "$VERSIONS_TABLE" | sed -n 's/^ *{"release": "\([0-9.]*\)".*/\1/p'
}

# the versions release $1 serves, one a line
versions_served_by() {
  grep "^ *{\"release\": \"$1\"" "$VERSIONS_TABLE" | sed 's/.*"serves": \[\([^]]*\)\].*/\1/' | tr -d '" ' | tr ',' '\n'
}

# "RELEASE VERSION" for every local release and every version it serves that the SDK speaks
versions_matrix() {
  local release version
  for release in $(versions_local_releases); do
    for version in $(versions_served_by "$release"); do
      if versions_spoken | grep -qx "$version"; then echo "$release $version"; fi
    done
  done
}

# the local release a version's answers are recorded on: the newest local release that serves it
versions_recorded_on() {
  versions_matrix | awk -v v="$1" '$2 == v {r = $1} END {print r}'
}

# the newest version the SDK speaks that release $1 serves: what auto picks there
versions_newest_on() {
  versions_matrix | awk -v r="$1" '$1 == r {v = $2} END {print v}'
}
