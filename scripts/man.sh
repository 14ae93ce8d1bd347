#!/bin/sh
# The man page: argument-parser's generated page (commands, options) with its generic EXIT STATUS
# replaced by lcplan's own sections (man/sections.mdoc: ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES).
# Usage: scripts/man.sh GENERATED_PAGE > man/lcplan.1
set -eu
page=$1
awk '/^\.Sh "EXIT STATUS"/ { exit } { print }' "$page"
cat "$(dirname "$0")/../man/sections.mdoc"
