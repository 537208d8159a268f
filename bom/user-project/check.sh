#!/usr/bin/env bash
# Checks Beamlink as a user's project sees it (README "Use Beamlink in your project"): installs
# Beamlink's library artifacts and BOM into a copy of the local Maven repository (never into
# ~/.m2 itself), builds this project against that copy, fails unless every org.apache.flink
# artifact it resolves is at the BOM's Flink version (flink-shaded-* have their own versions),
# then generates 20,000 customers and runs Churn on embedded Flink with no JVM flags.
#
#   bom/user-project/check.sh [WORK_DIR]          # default: a new temporary directory
#
# Takes a few minutes (copying the repository, installing, resolving). Maven Central must be
# reachable for what the copy lacks.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-$(mktemp -d)}"
repo="$work/m2"
mkdir -p "$work"

flink="$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' "$root/bom/pom.xml")"
[ -n "$flink" ] || { echo "check: no flink.version in bom/pom.xml" >&2; exit 1; }

if [ ! -d "$repo" ]; then
  if [ -d "$HOME/.m2/repository" ]; then
    cp -r "$HOME/.m2/repository" "$repo"
  else
    mkdir -p "$repo"
  fi
fi

echo "check: installing Beamlink into $repo" >&2
(cd "$root" && mvn -B -q install -DskipTests -Dspotless.check.skip=true -Dmaven.repo.local="$repo" \
  -pl .,bom,models,iteration,transforms,runners-config)

echo "check: building $here against it" >&2
mvn -B -q -f "$here/pom.xml" -Dmaven.repo.local="$repo" package \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:tree -DoutputFile="$work/tree.txt" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$work/classpath.txt"

wrong="$(grep -o 'org\.apache\.flink:[^ ]*' "$work/tree.txt" | grep -v ':flink-shaded-' \
  | grep -v ":$flink:" || true)"
if [ -n "$wrong" ]; then
  echo "check: Flink artifacts not at $flink:" >&2
  echo "$wrong" >&2
  exit 1
fi
count="$(grep -o 'org\.apache\.flink:[^ ]*' "$work/tree.txt" | grep -cv ':flink-shaded-')"
echo "check: $count org.apache.flink artifacts, all at $flink" >&2

cp="$here/target/classes:$(cat "$work/classpath.txt")"
java -cp "$cp" com.example.Customers "$work/customers.csv" 20000
rm -f "$work/churn.blm"
java -cp "$cp" com.example.Churn "$work/customers.csv" "$work/churn.blm"
head -3 "$work/churn.blm"
