#!/bin/sh
# The slowest test classes of the last build, from the surefire and failsafe XML reports of every module
# (the services at the root and the nested ones under libs/ and tooling/). No Maven: run it after a build.
#   tooling/slowest-tests.sh [count [repository-root]]   (default: 10, the repository this script is in)
# Prints: seconds, tests, module, class. A @QuarkusTest class's time includes the application start it pays.
set -eu
count=${1:-10}
root=${2:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
reports=$(find . -path ./node_modules -prune -o -type f \( -path '*/target/surefire-reports/TEST-*.xml' \
    -o -path '*/target/failsafe-reports/TEST-*.xml' \) -print | sort)
if [ -z "$reports" ]; then
    echo "no TEST-*.xml under */target/{surefire,failsafe}-reports: build first (./mvnw verify)" >&2
    exit 1
fi
for report in $reports; do
    module=${report#./}
    module=${module%%/target/*}
    # The <testsuite ...> start tag (it may span lines): its name, time and tests attributes.
    awk -v module="$module" '
        /<testsuite[ >]/ { tag = ""; open = 1 }
        open { tag = tag " " $0; if (index($0, ">")) { open = 0; done = 1 } }
        done {
            name = attr(tag, "name"); time = attr(tag, "time"); tests = attr(tag, "tests")
            gsub(",", "", time)   # older surefire versions write 1,234.5
            printf "%.3f\t%s\t%s\t%s\n", time, tests, module, name
            exit
        }
        function attr(s, key,   m) {
            if (match(s, "[ \t]" key "=\"[^\"]*\"")) {
                m = substr(s, RSTART, RLENGTH); sub("^[ \t]" key "=\"", "", m); sub("\"$", "", m); return m
            }
            return ""
        }' "$report"
done | sort -t "$(printf '\t')" -k1,1 -rn | head -n "$count" \
    | awk -F '\t' 'BEGIN { printf "%9s  %5s  %-26s %s\n", "seconds", "tests", "module", "class" }
                   { printf "%9.1f  %5s  %-26s %s\n", $1, $2, $3, $4 }'
