#!/bin/sh
# Functions, initializers and computed properties longer than a limit (default 80 lines), outside the
# reference kernels (LCPlanKernels, LCPlanKernelsWide: hand-unrolled loops read best whole). Prints one line
# per function, longest first, and a count; exits 0 (a report, as `make test` runs it) unless --strict is
# given, then 1 when any is found.
# Usage: scripts/long-functions.sh [--strict] [limit]
set -eu
cd "$(dirname "$0")/.."
strict=0
if [ "${1:-}" = "--strict" ]; then strict=1; shift; fi
limit=${1:-80}
found=$(find Sources -name '*.swift' ! -path 'Sources/LCPlanKernels/*' ! -path 'Sources/LCPlanKernelsWide/*' | sort |
  xargs awk -v limit="$limit" '
    FNR == 1 { depth = 0; start = 0; pending = 0 }
    {
      line = $0
      # Strings and comments do not count towards braces.
      gsub(/"([^"\\]|\\.)*"/, "", line)
      sub(/\/\/.*/, "", line)
      # A declaration opens its body on its own line or on a later one (a signature over several lines).
      if (start == 0 && pending == 0 && line ~ /(^|[ \t])(func|init[?!]?|subscript)[ \t(<]/) {
        pending = FNR; base = depth
        name = $0; sub(/^[ \t]+/, "", name); sub(/[ \t]*\{.*/, "", name)
      }
      if (pending > 0 && line ~ /\{/) { start = pending; pending = 0 }
      else if (pending > 0 && FNR > pending && line ~ /(^|[ \t])(func|init[?!]?|subscript|var|let|case)[ \t(<]/) { pending = 0 }
      opens = gsub(/\{/, "{", line); closes = gsub(/\}/, "}", line)
      depth += opens - closes
      if (start > 0 && depth <= base) {
        n = FNR - start + 1
        if (n > limit) printf "%5d  %s:%d  %s\n", n, FILENAME, start, substr(name, 1, 100)
        start = 0
      }
    }' | sort -rn)
if [ -n "$found" ]; then
  printf '%s\n' "$found"
  echo "$(printf '%s\n' "$found" | wc -l | tr -d ' ') functions longer than $limit lines outside the kernels (issue 22: split them)"
  [ "$strict" -eq 1 ] && exit 1
else
  echo "no function longer than $limit lines outside the kernels"
fi
exit 0
