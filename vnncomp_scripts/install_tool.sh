#!/usr/bin/env bash
# VNN-COMP tool interface: install_tool.sh v1
# Builds verify-cli/target/certus.jar (Java 17 and Maven 3.8+ needed; the first build downloads the
# Maven dependencies). Exit code 0 when the jar is ready.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
check_arguments install_tool.sh "" 1 "$@"

if ! command -v java >/dev/null 2>&1; then
  echo "install_tool.sh: java not found; Certus needs Java 17 or later" >&2
  exit 1
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "install_tool.sh: mvn not found; Certus is built with Maven 3.8 or later" >&2
  exit 1
fi

echo "Installing Certus in $root"
# -Dstyle.color=never and the sed: Maven prints colour codes even in batch mode, which would litter a log.
(cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests -pl verify-cli -am package </dev/null) 2>&1 \
  | sed $'s/\x1b\\[[0-9;]*m//g'
if [ ! -f "$jar" ]; then
  echo "install_tool.sh: the build did not produce $jar" >&2
  exit 1
fi
java -jar "$jar" --version
