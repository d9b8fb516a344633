# Shared by the project's scripts: finds (or builds) Python >= 3.14.2 and the project's virtual
# environments, then runs commands in them. Sourced, never executed.
#
# Three ways to get Python, tried in this order (DESIGN.md §1):
#   host    python3.14 on PATH, new enough
#   uv      a uv-managed CPython 3.14 (uv python install 3.14)
#   chroot  a cached Debian forky root file system (root on Debian with apt only), entered with
#           unshare --mount + bind mounts + chroot, so nothing stays mounted after a command ends.
# The choice and everything built for it live in the cache directory, outside the repository.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${BLINK_DOCTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blink-audio-doctor}"
ROOTFS="$CACHE_DIR/rootfs-forky"
MIN_PYTHON="3.14.2"
DEBIAN_MIRROR="${BLINK_DOCTOR_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Further host directories the chroot needs at their own paths (space separated).
BLINK_DOCTOR_EXTRA_BINDS="${BLINK_DOCTOR_EXTRA_BINDS:-}"

log() { printf '[blink-audio-doctor] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# True when the interpreter $1 exists and is at least MIN_PYTHON.
python_is_new_enough() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' >/dev/null 2>&1
}

# Decides how Python is provided and remembers it in $CACHE_DIR/mode.
detect_mode() {
  local py
  if py="$(command -v python3.14 2>/dev/null)" && python_is_new_enough "$py"; then
    echo "host $py"
    return
  fi
  if command -v uv >/dev/null 2>&1; then
    if py="$(uv python find '>=3.14.2' 2>/dev/null)" && python_is_new_enough "$py"; then
      echo "uv $py"
      return
    fi
    log "trying: uv python install 3.14"
    if timeout 300 uv python install 3.14 >&2 \
      && py="$(uv python find '>=3.14.2' 2>/dev/null)" && python_is_new_enough "$py"; then
      echo "uv $py"
      return
    fi
    log "uv could not provide Python 3.14; trying the next way"
  fi
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    echo "chroot /usr/bin/python3.14"
    return
  fi
  die "Python >= $MIN_PYTHON is needed. Install python3.14 (>= $MIN_PYTHON) on PATH, or uv \
(https://docs.astral.sh/uv/) so that 'uv python install 3.14' works, or run as root on Debian \
so the scripts can build a Debian forky root file system with debootstrap."
}

# Builds the Debian forky root file system once (about 30 s, about 300 MB).
ROOTFS_PACKAGES="python3.14,python3.14-venv,ca-certificates,iproute2"
ensure_rootfs() {
  # The marker names the packages it was built with; a changed list builds it again.
  [ -x "$ROOTFS/usr/bin/python3.14" ] && [ "$(cat "$ROOTFS/.complete" 2>/dev/null)" = "$ROOTFS_PACKAGES" ] \
    && return 0
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap with apt-get"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
  fi
  local script=/usr/share/debootstrap/scripts/forky
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid  # older debootstrap: forky = sid rules
  log "building a Debian forky root file system with Python 3.14 in $ROOTFS (about 30 s)"
  rm -rf "$ROOTFS" "$ROOTFS.partial"
  # iproute2: ip and tc for the network benchmarks (namespaces, shaped links).
  debootstrap --variant=minbase --include="$ROOTFS_PACKAGES" \
    forky "$ROOTFS.partial" "$DEBIAN_MIRROR" "$script" >"$CACHE_DIR/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE_DIR/debootstrap.log)"; }
  echo "$ROOTFS_PACKAGES" >"$ROOTFS.partial/.complete"
  mv "$ROOTFS.partial" "$ROOTFS"
}

# Copies what the host knows about the network and package indexes into the root file system.
sync_rootfs_config() {
  local f
  for f in /etc/resolv.conf /etc/hosts /etc/pip.conf /etc/ssl/certs/ca-certificates.crt; do
    [ -r "$f" ] || continue
    cmp -s "$f" "$ROOTFS$f" && continue
    mkdir -p "$ROOTFS$(dirname "$f")"
    # Copy then rename: a command already running in the root never sees a half-written file.
    cp -fL "$f" "$ROOTFS$f.new.$$" 2>/dev/null && mv -f "$ROOTFS$f.new.$$" "$ROOTFS$f"
  done
  for f in "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
    [ -r "$f" ] || continue
    mkdir -p "$ROOTFS$(dirname "$f")"
    cp -fL "$f" "$ROOTFS$f"
  done
}

# Local directories that the host's pip configuration points at (find-links, file:// indexes):
# bound into the root file system so pip there sees the same package sources as on the host.
local_pip_dirs() {
  {
    cat /etc/pip.conf "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf" 2>/dev/null
    env | grep '^PIP_' || true
  } | grep -oE '(file://)?/[A-Za-z0-9._/-]+' | sed 's|^file://||' | while read -r path; do
    case "$path" in /etc/*|/usr/*|/proc/*|/dev/*|/sys/*) continue ;; esac
    # An index's pages link to files beside them (e.g. /opt/pypi/simple -> /opt/pypi/files):
    # bind the top two levels of the path.
    path="$(echo "$path" | cut -d/ -f1-3)"
    [ -d "$path" ] && [ "$path" != / ] && echo "$path"
  done | sort -u
}

# Runs "$@" with the project's Python on PATH; inside the root file system in chroot mode.
# The repository and the cache are bind-mounted at their own paths, so paths mean the same
# inside and outside; the mounts live in a private mount namespace and vanish with the command.
run_in_env() {
  local mode="$1"; shift
  # Already inside the root file system (a project command started by another one, such as the
  # demo started by the browser test): nothing more to enter.
  if [ "$mode" != chroot ] || [ "${BLINK_DOCTOR_IN_ROOT:-}" = 1 ]; then
    exec "$@"
  fi
  sync_rootfs_config
  local extra=()
  for d in $BLINK_DOCTOR_EXTRA_BINDS $(local_pip_dirs); do extra+=("$d"); done
  exec unshare --mount --propagation private -- \
    "$REPO_ROOT/scripts/lib/enter-root" "$ROOTFS" "$PWD" "$REPO_ROOT" "$CACHE_DIR" "${extra[@]}" -- "$@"
}


# Makes Python and the virtual environment $1 ready (pins: requirements/$1.txt), under a lock so
# that two commands started at once do not build the same thing twice. Sets ENV_MODE, ENV_PYTHON
# and ENV_VENV. A virtual environment is keyed by the hash of its requirements file, so a changed
# pin builds a fresh one and an unchanged one is reused at once.
ensure_env() {
  local name="$1" requirements="$REPO_ROOT/requirements/$1.txt"
  [ -f "$requirements" ] || die "no such environment: $name (missing requirements/$name.txt)"
  mkdir -p "$CACHE_DIR/venvs"
  exec 9>"$CACHE_DIR/bootstrap.lock"
  flock 9
  local detected
  if [ -f "$CACHE_DIR/mode" ] && env_mode_still_valid "$(cat "$CACHE_DIR/mode")"; then
    detected="$(cat "$CACHE_DIR/mode")"
  else
    detected="$(detect_mode)"
    echo "$detected" >"$CACHE_DIR/mode"
  fi
  ENV_MODE="${detected%% *}"
  ENV_PYTHON="${detected#* }"
  [ "$ENV_MODE" = chroot ] && ensure_rootfs
  local digest
  digest="$( (cat "$requirements"; echo "$detected") | sha256sum | cut -c1-16)"
  ENV_VENV="$CACHE_DIR/venvs/$name-$digest"
  if [ ! -f "$ENV_VENV/.complete" ]; then
    log "creating the '$name' virtual environment (first run only; a few minutes)"
    rm -rf "$ENV_VENV"
    ( run_in_env "$ENV_MODE" "$ENV_PYTHON" -m venv "$ENV_VENV" ) \
      || die "could not create the virtual environment $ENV_VENV"
    ( run_in_env "$ENV_MODE" "$ENV_VENV/bin/python" -m pip install --quiet --upgrade pip ) >&2 \
      || die "could not upgrade pip in $ENV_VENV"
    ( run_in_env "$ENV_MODE" "$ENV_VENV/bin/python" -m pip install --quiet -r "$requirements" ) >&2 \
      || die "could not install requirements/$name.txt"
    touch "$ENV_VENV/.complete"
    prune_old_venvs "$name"
  fi
  flock -u 9
  exec 9>&-
}

# Makes Debian packages that a command needs from the system (chromium for the browser test)
# ready: installed with apt-get inside the root file system in chroot mode, or on the host in
# host/uv mode when root on Debian. Call after ensure_env. Idempotent, under the same lock.
ensure_debian_packages() {
  local root=/ missing=() pkg
  [ "$ENV_MODE" = chroot ] && [ "${BLINK_DOCTOR_IN_ROOT:-}" != 1 ] && root="$ROOTFS"
  exec 9>"$CACHE_DIR/bootstrap.lock"
  flock 9
  for pkg in "$@"; do
    dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' "$pkg" 2>/dev/null \
      | grep -q ' installed$' || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$ENV_MODE" != chroot ] && { [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; }; then
      die "these system packages are needed: ${missing[*]} (install them, e.g. apt-get install ${missing[*]})"
    fi
    log "installing Debian packages: ${missing[*]} (first run only)"
    # A mirror snapshot may carry a Release file past its Valid-Until date; that is harmless here.
    { ( run_in_env "$ENV_MODE" apt-get -o Acquire::Check-Valid-Until=false update -qq ) \
      && ( run_in_env "$ENV_MODE" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" ); } >"$CACHE_DIR/apt.log" 2>&1 \
      || { tail -20 "$CACHE_DIR/apt.log" >&2; die "could not install: ${missing[*]} (log: $CACHE_DIR/apt.log)"; }
  fi
  flock -u 9
  exec 9>&-
}

# A remembered mode is kept while its Python is still there.
env_mode_still_valid() {
  local mode="${1%% *}" py="${1#* }"
  case "$mode" in
    host|uv) python_is_new_enough "$py" ;;
    chroot) [ "$(id -u)" = 0 ] ;;
    *) return 1 ;;
  esac
}

# Keeps only the newest two virtual environments of one name (older pins are dead weight).
prune_old_venvs() {
  local old
  old="$(ls -1dt "$CACHE_DIR/venvs/$1-"* 2>/dev/null | tail -n +3 || true)"
  [ -z "$old" ] || rm -rf $old
}

# Runs "$@" with the virtual environment first on PATH.
run_with_venv() {
  local path="$PATH"
  # Inside the root file system only its own directories make sense.
  [ "$ENV_MODE" = chroot ] && path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  run_in_env "$ENV_MODE" env PATH="$ENV_VENV/bin:$path" VIRTUAL_ENV="$ENV_VENV" "$@"
}
