# Shared by the bin/ scripts (sourced, not run): `. bin/lib.sh` from the repository root.

# Runs a command as root: directly when we are root, else through sudo.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs Debian packages (apt-get update first), quietly.
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Exits with a clear line unless a JDK (17+) and Maven are on the PATH; $1 names the calling script.
require_jdk_and_maven() {
  command -v java >/dev/null || { echo "$1: a JDK 17+ is required" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "$1: Maven is required" >&2; exit 1; }
}
