#!/usr/bin/env bash
# Test pledges against the newest releases of everything it installs, and, when
# asked, record them as the pinned set in constraints.txt:
#
#   scripts/update-constraints.sh            # newest releases: install and run the tests
#   scripts/update-constraints.sh --write    # same, then rewrite constraints.txt if green
#
# CI installs exactly constraints.txt (PIP_CONSTRAINT=constraints.txt, which also pins
# the build backend), so a new release of a dependency cannot break a newcomer's first
# `pytest`; this script is how the pins move forward, on purpose and tested.
#
# Exit status: 0 the tests passed on the newest releases, 1 they failed, 2 usage error.
set -euo pipefail
cd "$(dirname "$0")/.."

write=0
case "${1:-}" in
    "") ;;
    --write) write=1 ;;
    *) echo "usage: $0 [--write]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/pledges-newest.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
unset PIP_CONSTRAINT
python -m pip install --quiet --upgrade pip
python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[test]"
# the build backend, as pip's isolated build would fetch it today
python -m pip download --quiet -d "$work/build" hatchling
build_pins=$(find "$work/build" -name '*.whl' -printf '%f\n' |
    sed -E 's/^([^-]+)-([^-]+)-.*$/\1==\2/; s/_/-/g' | sort -u)

if ! python -m pytest -q; then
    echo "update-constraints: the tests fail on the newest releases; constraints.txt is unchanged" >&2
    exit 1
fi
if [[ $write -eq 1 ]]; then
    {
        echo "# Pinned versions CI installs (PIP_CONSTRAINT=constraints.txt in .ci/run)."
        echo "# Regenerate with scripts/update-constraints.sh --write, which tests them first."
        echo "pip==$(python -m pip --version | cut -d' ' -f2)"
        python -m pip freeze --exclude-editable --all | grep -v -i '^pip=='
        echo "# build backend"
        echo "$build_pins"
    } | awk '!seen[tolower($0)]++' > constraints.txt
    echo "update-constraints: constraints.txt rewritten"
fi
