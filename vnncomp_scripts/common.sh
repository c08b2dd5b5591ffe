# Sourced by the VNN-COMP scripts: the interface version they implement, the argument check every
# script starts with, and where Certus lives.

VERSION_STRING=v1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
jar="$root/verify-cli/target/certus.jar"

# check_arguments SCRIPT "USAGE AFTER v1" COUNT "$@": exit 1 with the usage unless there are COUNT
# arguments and the first is the version string.
check_arguments() {
  local script="$1" usage="$2" count="$3"
  shift 3
  if [ "$#" -ne "$count" ] || [ "${1:-}" != "$VERSION_STRING" ]; then
    echo "$script: usage: $script $VERSION_STRING${usage:+ $usage} (got $# arguments, first '${1:-}')" >&2
    exit 1
  fi
}
