#!/usr/bin/env bash
# VNN-COMP tool interface: run_instance.sh v1 BENCHMARK ONNX VNNLIB RESULTS_FILE TIMEOUT
# Verifies one instance with `certus vnnlib` and writes RESULTS_FILE in the competition's format: the
# first line is sat, unsat, unknown, timeout or error; after sat comes the counterexample
# ((X_0 v) ... (Y_0 v) ...), re-checked by an exact forward pass before it is written.
#
# TIMEOUT (seconds, may be fractional) covers the whole script: `certus vnnlib` gets TIMEOUT minus the
# JVM's start-up allowance as its limit (which counts loading the network and the property), and a
# hard stop (coreutils `timeout`, where available) ends the JVM shortly after TIMEOUT if it has not
# finished, recording `timeout`. RESULTS_FILE is written whole (written beside it, then renamed) or,
# after a hard stop, holds `timeout`.
#
# Environment: CERTUS_JAVA_OPTS (JVM options, default -Xmx8g); CERTUS_CLASSPATH (run the classes on
# this class path instead of verify-cli/target/certus.jar; the tests use it before the jar exists).
set -uo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
check_arguments run_instance.sh "BENCHMARK ONNX VNNLIB RESULTS_FILE TIMEOUT" 6 "$@"
benchmark="$2"
onnx="$3"
vnnlib="$4"
results="$5"
timeout_s="$6"

# Seconds for what `certus vnnlib`'s own clock does not see: the JVM's start and class loading before it
# starts (0.6 s here), the search's last node after its limit (0.1-0.2 s) and the JVM's exit. Its
# --timeout counts loading the network and the property.
STARTUP_ALLOWANCE=1.5
# Seconds past TIMEOUT before the hard stop: the search stops on its own at its limit; this only
# guards against a JVM that does not.
HARD_STOP_GRACE=2

write_result() {
  printf '%s\n' "$1" > "$results.tmp" && mv -f "$results.tmp" "$results"
}

if ! awk -v t="$timeout_s" 'BEGIN { exit !(t + 0 == t && t > 0) }' </dev/null; then
  echo "run_instance.sh: TIMEOUT must be a positive number of seconds, got '$timeout_s'" >&2
  write_result error
  exit 1
fi
# certus's limit: TIMEOUT less the start-up allowance, but never less than half of TIMEOUT.
limit="$(awk -v t="$timeout_s" -v a="$STARTUP_ALLOWANCE" 'BEGIN { l = t - a; if (l < t / 2) l = t / 2; printf "%.3f", l }' </dev/null)"
hard_stop="$(awk -v t="$timeout_s" -v g="$HARD_STOP_GRACE" 'BEGIN { printf "%.3f", t + g }' </dev/null)"

java_cmd="java"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java_cmd="$JAVA_HOME/bin/java"
fi
# CERTUS_JAVA_OPTS is split on spaces on purpose: it may hold several JVM options.
# shellcheck disable=SC2206
jvm=("$java_cmd" ${CERTUS_JAVA_OPTS:--Xmx8g})
if [ -n "${CERTUS_CLASSPATH:-}" ]; then
  jvm+=(-cp "$CERTUS_CLASSPATH" org.certus.cli.Certus)
else
  if [ ! -f "$jar" ]; then
    echo "run_instance.sh: $jar is missing; run install_tool.sh v1 first" >&2
    write_result error
    exit 1
  fi
  jvm+=(-jar "$jar")
fi

guard=()
if command -v timeout >/dev/null 2>&1; then
  guard=(timeout --kill-after=2 "$hard_stop")
fi

echo "Certus: benchmark '$benchmark', network '$onnx', property '$vnnlib', results '$results', timeout $timeout_s s (search limit $limit s)"
rm -f "$results" "$results.tmp"
${guard[@]+"${guard[@]}"} "${jvm[@]}" vnnlib --network "$onnx" --vnnlib "$vnnlib" --time-limit "$limit" --out "$results.tmp" </dev/null
code=$?

if [ "${#guard[@]}" -gt 0 ] && { [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; }; then
  # Past the time limit whatever the JVM managed to write.
  echo "run_instance.sh: stopped at the hard time limit ($hard_stop s)" >&2
  write_result timeout
elif [ -s "$results.tmp" ]; then
  mv -f "$results.tmp" "$results"
else
  echo "run_instance.sh: certus ended with exit code $code and no result" >&2
  write_result error
fi
# The answer is in the results file; exit 0 so that a harness reads it (error included).
exit 0
