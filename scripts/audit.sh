#!/usr/bin/env bash
# Fails on a high or critical advisory in the production dependencies (npm audit --omit=dev).
# When the registry's audit service does not answer (a mirror or proxy without /-/npm/v1/security), nothing was
# audited: that fails too, unless AUDIT_UNAVAILABLE=warn, which prints a warning instead (the machine's CI, whose
# registry has no audit endpoint, sets it; the advisories are then for Renovate's security updates to raise).
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if [ -n "${AUDIT_REPORT:-}" ]; then
  # A report npm audit --json wrote before (tests feed this script known advisories this way).
  cp "$AUDIT_REPORT" "$report"
  status=0
else
  npm audit --omit=dev --audit-level=high --json >"$report" 2>/dev/null
  status=$?
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8") || "{}");
  if (r.metadata && r.metadata.vulnerabilities) {
    const v = r.metadata.vulnerabilities;
    console.log(`audit: production dependencies: ${v.critical} critical, ${v.high} high, ${v.moderate} moderate, ${v.low} low`);
    for (const [name, a] of Object.entries(r.vulnerabilities || {})) {
      if (a.severity === "high" || a.severity === "critical") console.log(`audit: ${a.severity}: ${name} ${a.range}`);
    }
    process.exit(v.critical + v.high > 0 ? 1 : 0);
  }
  console.log(`audit: the audit service did not answer (${r.message || r.error?.summary || "no report"})`);
  process.exit(3);
' "$report"
result=$?
if [ $result -eq 3 ]; then
  if [ "${AUDIT_UNAVAILABLE:-fail}" = warn ]; then
    echo "audit: WARNING: dependencies NOT audited (AUDIT_UNAVAILABLE=warn)" >&2
    exit 0
  fi
  echo "audit: failing: dependencies could not be audited (set AUDIT_UNAVAILABLE=warn to go on without)" >&2
  exit 1
fi
[ $result -eq 0 ] && [ $status -ne 0 ] && echo "audit: npm audit exited $status below the high level" >&2
exit $result
