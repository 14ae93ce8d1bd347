#!/bin/sh
# Packs a built lcplan binary into the release archive: OUT/lcplan-VERSION-linux-ARCH.tar.gz holding
# bin/lcplan, the man page, the bash, zsh and fish completions and the README, and OUT/SHA256SUMS.
# Reproducible: the same binary gives the same bytes (fixed owner, order and times; gzip without a name
# or time stamp). `make dist` runs it on the stripped static binary (.build/static/lcplan).
# Usage: scripts/dist.sh BINARY OUT
set -eu
binary=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
version=$("$binary" --version | awk '{ print $2 }')
arch=$(uname -m)
name="lcplan-$version-linux-$arch"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/share/man/man1" "$stage/$name/share/completions" "$out"
cp "$binary" "$stage/$name/bin/lcplan"
cp "$root/man/lcplan.1" "$stage/$name/share/man/man1/"
cp "$root/completions/lcplan.bash" "$root/completions/_lcplan" "$root/completions/lcplan.fish" "$stage/$name/share/completions/"
cp "$root/README.md" "$stage/$name/"
chmod 755 "$stage/$name/bin/lcplan"
tar -C "$stage" --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00:00' --sort=name -cf - "$name" \
    | gzip -n -9 > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > SHA256SUMS)
echo "$out/$name.tar.gz"
