#!/usr/bin/env bash
# A real OpenID Connect provider on loopback for the local cluster's JWKS mode: NAV's
# mock-oauth2-server (from Maven Central, scripts/oidc/pom.xml), run as its own process.
#
#   scripts/oidc-provider.sh start     start it (if down), write its JWKS and its facts (oidc.env)
#   scripts/oidc-provider.sh stop      stop the one this script started (by recorded pid)
#   scripts/oidc-provider.sh status    up or down, and its issuer
#   scripts/oidc-provider.sh env       print its facts (KEY=VALUE): issuer, clients, secret file, JWKS file
#
# It signs RS256 tokens with a key kept in RINGRIFT_OIDC_HOME (made once, mode 600), so a cluster
# that trusts its JWKS (scripts/local-slurm.sh with RINGRIFT_SLURM_JWKS=HOME/jwks.json) keeps
# trusting it across restarts. Issuers (http://127.0.0.1:PORT/ID) and clients (client credentials):
#   issuer "slurm", the one whose key the cluster trusts (its JWKS is fetched first, so it gets the key):
#     ringrift-loop             aud OIDC_AUDIENCE, the job user in the claim slurm_user: accepted
#     ringrift-no-user          aud OIDC_AUDIENCE, no slurm_user claim
#     ringrift-other-audience   aud another-cluster, slurm_user set
#   issuer "elsewhere": the same clients, signed with a key of its own the cluster does not trust.
# A second home (another RINGRIFT_OIDC_HOME and RINGRIFT_OIDC_PORT) is a provider with another key
# under the same issuer id and kid: tokens "signed by another key".
# It does not check client secrets (a test server); the SDK still reads and sends one.
#
# Settings: RINGRIFT_OIDC_HOME (default /var/lib/ringrift-oidc), RINGRIFT_OIDC_PORT (default 6830),
# RINGRIFT_OIDC_TOKEN_SECONDS (token lifetime, default 120: a main run renews its token),
# RINGRIFT_OIDC_JOB_USER (default ringrift). Maven resolves the provider the first time (MAVEN_OPTS apply).
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOME_DIR=${RINGRIFT_OIDC_HOME:-/var/lib/ringrift-oidc}
PORT=${RINGRIFT_OIDC_PORT:-6830}
LIFETIME=${RINGRIFT_OIDC_TOKEN_SECONDS:-120}
JOB_USER=${RINGRIFT_OIDC_JOB_USER:-ringrift}
AUDIENCE=ringrift-slurm
USER_CLAIM=slurm_user
ISSUER=http://127.0.0.1:$PORT/slurm
OTHER_ISSUER=http://127.0.0.1:$PORT/elsewhere

log() { printf '[oidc-provider] %s\n' "$*" >&2; }
die() { printf '[oidc-provider] ERROR: %s\n' "$*" >&2; exit 1; }

[[ $PORT =~ ^[0-9]+$ ]] || die "RINGRIFT_OIDC_PORT='$PORT' is not a port"
[[ $LIFETIME =~ ^[0-9]+$ ]] && [ "$LIFETIME" -ge 30 ] || die "RINGRIFT_OIDC_TOKEN_SECONDS='$LIFETIME': give at least 30"

pid_of() { [ -s "$HOME_DIR/provider.pid" ] && cat "$HOME_DIR/provider.pid"; }

is_running() {
  local pid
  pid=$(pid_of) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q StandaloneMockOAuth2ServerKt
}

class_path() {
  local cp_file="$HOME_DIR/classpath.txt"
  if [ ! -s "$cp_file" ] || [ "$PROJECT_DIR/scripts/oidc/pom.xml" -nt "$cp_file" ]; then
    command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch the provider; install it (Debian: apt-get install maven)"
    log "resolving mock-oauth2-server with Maven (scripts/oidc/pom.xml)"
    mvn -B -q -ntp -f "$PROJECT_DIR/scripts/oidc/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" \
      >"$HOME_DIR/maven.log" 2>&1 || { tail -n 20 "$HOME_DIR/maven.log" >&2; die "Maven could not resolve the provider (log: $HOME_DIR/maven.log)"; }
  fi
  cat "$cp_file"
}

# the provider's configuration: the signing key, the issuers and what their tokens say
write_config() {
  local key mappings
  key=$(sed 's/\\/\\\\/g; s/"/\\"/g' "$HOME_DIR/signing-key.jwk")
  mappings=$(cat <<EOF
        {"requestParam": "client_id", "match": "ringrift-loop",
         "claims": {"sub": "ringrift-loop", "aud": ["$AUDIENCE"], "$USER_CLAIM": "$JOB_USER"}},
        {"requestParam": "client_id", "match": "ringrift-no-user",
         "claims": {"sub": "ringrift-no-user", "aud": ["$AUDIENCE"]}},
        {"requestParam": "client_id", "match": "ringrift-other-audience",
         "claims": {"sub": "ringrift-other-audience", "aud": ["another-cluster"], "$USER_CLAIM": "$JOB_USER"}}
EOF
)
  (umask 077; cat >"$HOME_DIR/provider.json" <<EOF
{
  "interactiveLogin": false,
  "httpServer": "NettyWrapper",
  "tokenProvider": {"keyProvider": {"initialKeys": "$key", "algorithm": "RS256"}},
  "tokenCallbacks": [
    {"issuerId": "slurm", "tokenExpiry": $LIFETIME, "requestMappings": [
$mappings
    ]},
    {"issuerId": "elsewhere", "tokenExpiry": $LIFETIME, "requestMappings": [
$mappings
    ]}
  ]
}
EOF
)
}

cmd_start() {
  mkdir -p "$HOME_DIR"
  chmod 700 "$HOME_DIR"
  if is_running; then
    log "already up (pid $(pid_of)) at $ISSUER"
  else
    local cp
    cp=$(class_path)
    if [ ! -s "$HOME_DIR/signing-key.jwk" ]; then
      log "making the provider's RS256 signing key ($HOME_DIR/signing-key.jwk)"
      java -cp "$cp" "$PROJECT_DIR/scripts/oidc/NewSigningKey.java" "$HOME_DIR/signing-key.jwk"
    fi
    # the client secret the service reads from a file (the provider does not check it)
    [ -s "$HOME_DIR/client-secret" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$HOME_DIR/client-secret")
    write_config
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && die "port $PORT on 127.0.0.1 is taken; set RINGRIFT_OIDC_PORT"
    log "starting mock-oauth2-server on 127.0.0.1:$PORT"
    SERVER_HOSTNAME=127.0.0.1 SERVER_PORT=$PORT JSON_CONFIG_PATH="$HOME_DIR/provider.json" \
      LOGBACK_CONFIG="$PROJECT_DIR/scripts/oidc/logback.xml" \
      setsid java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$cp" no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt \
      >>"$HOME_DIR/provider.log" 2>&1 </dev/null &
    echo $! >"$HOME_DIR/provider.pid"
    local i
    for ((i = 0; i < 120; i++)); do
      curl -fsS -o /dev/null "http://127.0.0.1:$PORT/isalive" 2>/dev/null && break
      is_running || { tail -n 20 "$HOME_DIR/provider.log" >&2; die "the provider exited (log: $HOME_DIR/provider.log)"; }
      sleep 0.25
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/isalive" || die "the provider did not answer within 30 s (log: $HOME_DIR/provider.log)"
  fi
  # Asked first, the trusted issuer takes the configured key (each issuer id gets the next key, then new ones).
  curl -fsS "$ISSUER/jwks" >"$HOME_DIR/jwks.json.tmp" || die "cannot read $ISSUER/jwks"
  grep -q '"kid" *: *"slurm"' "$HOME_DIR/jwks.json.tmp" || die "the provider's JWKS has no key with kid slurm: $(cat "$HOME_DIR/jwks.json.tmp")"
  chmod 644 "$HOME_DIR/jwks.json.tmp"
  mv "$HOME_DIR/jwks.json.tmp" "$HOME_DIR/jwks.json"
  cat >"$HOME_DIR/oidc.env" <<EOF
OIDC_ISSUER=$ISSUER
OIDC_OTHER_ISSUER=$OTHER_ISSUER
OIDC_CLIENT_ID=ringrift-loop
OIDC_SECRET_FILE=$HOME_DIR/client-secret
OIDC_AUDIENCE=$AUDIENCE
OIDC_USER_CLAIM=$USER_CLAIM
OIDC_JOB_USER=$JOB_USER
OIDC_JWKS_FILE=$HOME_DIR/jwks.json
OIDC_TOKEN_SECONDS=$LIFETIME
EOF
  chmod 755 "$HOME_DIR"   # the JWKS and the facts are public; the key, secret and config are mode 600
  log "up at $ISSUER (JWKS: $HOME_DIR/jwks.json, facts: $HOME_DIR/oidc.env)"
}

cmd_stop() {
  if is_running; then
    local pid
    pid=$(pid_of)
    log "stopping the provider (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$HOME_DIR/provider.pid"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) if is_running; then echo "up (pid $(pid_of)) at $ISSUER"; else echo down; exit 1; fi ;;
  env) [ -f "$HOME_DIR/oidc.env" ] || die "no $HOME_DIR/oidc.env yet; run: $0 start"; cat "$HOME_DIR/oidc.env" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
