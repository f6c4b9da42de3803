#!/usr/bin/env bash
# Runs Jest (native ESM) and ends with one plain summary line: "jest: N passed, N failed, N skipped".
set -uo pipefail
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
