#!/usr/bin/env bash
# VNN-COMP tool interface: prepare_instance.sh v1 BENCHMARK ONNX VNNLIB
# Certus needs no per-instance preparation (no conversion, no server to start); this only checks
# that the tool is installed and the instance's files exist. Exit code 0 means "run this instance".
set -uo pipefail

VERSION_STRING=v1
if [ "$#" -ne 4 ] || [ "$1" != "$VERSION_STRING" ]; then
  echo "prepare_instance.sh: usage: prepare_instance.sh $VERSION_STRING BENCHMARK ONNX VNNLIB (got $# arguments, first '${1:-}')" >&2
  exit 1
fi
benchmark="$2"
onnx="$3"
vnnlib="$4"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
echo "Preparing Certus for benchmark '$benchmark', network '$onnx', property '$vnnlib'"

if [ -z "${CERTUS_CLASSPATH:-}" ] && [ ! -f "$root/verify-cli/target/certus.jar" ]; then
  echo "prepare_instance.sh: $root/verify-cli/target/certus.jar is missing; run install_tool.sh v1 first" >&2
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
