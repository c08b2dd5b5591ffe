#!/usr/bin/env bash
# VNN-COMP tool interface: prepare_instance.sh v1 BENCHMARK ONNX VNNLIB
# Certus needs no per-instance preparation (no conversion, no server to start); this only checks
# that the tool is installed and the instance's files exist. Exit code 0 means "run this instance".
set -uo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
check_arguments prepare_instance.sh "BENCHMARK ONNX VNNLIB" 4 "$@"
benchmark="$2"
onnx="$3"
vnnlib="$4"

echo "Preparing Certus for benchmark '$benchmark', network '$onnx', property '$vnnlib'"

if [ -z "${CERTUS_CLASSPATH:-}" ] && [ ! -f "$jar" ]; then
  echo "prepare_instance.sh: $jar is missing; run install_tool.sh v1 first" >&2
  exit 1
fi
# Instance lists name .onnx/.vnnlib while some folders hold the gzipped files; Certus reads either.
for f in "$onnx" "$vnnlib"; do
  if [ ! -f "$f" ] && [ ! -f "$f.gz" ] && [ ! -f "${f%.gz}" ]; then
    echo "prepare_instance.sh: $f: no such file" >&2
    exit 1
  fi
done
exit 0
