#!/usr/bin/env bash
# Run the steps of .github/workflows/ledger.yml on this machine, for a pull request
# from BASE to HEAD of a git repository that keeps a ledger/:
#
#   scripts/pr-check.sh REPO BASE HEAD
#
# HEAD is checked out with its full history into a scratch clone (REPO is left as it
# is), then: pledges lint --format github, pledges fmt --check, pledges diff BASE HEAD
# --format markdown. The diff goes to $GITHUB_STEP_SUMMARY when set, else to stdout.
# The installed `pledges` is used in place of the workflow's `pip install .`.
# A step whose command this pledges lacks (its `--help` fails) is reported as skipped.
#
# Exit status: 0 every step that ran passed, 1 a step failed, 2 usage or setup error.
set -uo pipefail

usage() {
    echo "usage: $0 REPO BASE HEAD" >&2
    exit 2
}

[[ $# -eq 3 ]] || usage
repo=$1
base=$2
head=$3

command -v pledges >/dev/null 2>&1 || { echo "pr-check: pledges is not on PATH" >&2; exit 2; }
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 ||
    { echo "pr-check: $repo is not a git repository" >&2; exit 2; }

resolve() {
    git -C "$repo" rev-parse --verify --quiet "$1^{commit}" ||
        { echo "pr-check: '$1' is not a commit in $repo" >&2; exit 2; }
}
base_sha=$(resolve "$base") || exit 2
head_sha=$(resolve "$head") || exit 2

work=$(mktemp -d "${TMPDIR:-/tmp}/pr-check.XXXXXX") || exit 2
trap 'rm -rf -- "$work"' EXIT
checkout=$work/checkout
# The workflow lints the ledger of the checkout, whatever the caller's environment says.
unset PLEDGES_LEDGER

# --shared borrows REPO's objects, so BASE and HEAD need not be on a branch.
if ! git clone --quiet --shared --no-checkout "$repo" "$checkout" ||
    ! git -C "$checkout" -c advice.detachedHead=false checkout --quiet --detach "$head_sha"; then
    echo "pr-check: could not check out $head in a scratch clone" >&2
    exit 2
fi

passed=0
failed=0
skipped=0

# step NAME SUBCOMMAND [ARGS...]: run `pledges SUBCOMMAND ARGS...` in the checkout.
step() {
    local name=$1 subcommand=$2
    shift 2
    echo "==> $name: pledges $subcommand $*" >&2
    if ! (cd "$checkout" && pledges "$subcommand" --help) >/dev/null 2>&1; then
        echo "--> $name: skipped ('pledges $subcommand' is not available)" >&2
        skipped=$((skipped + 1))
        return
    fi
    local status=0
    (cd "$checkout" && pledges "$subcommand" "$@") || status=$?
    if [[ $status -eq 0 ]]; then
        echo "--> $name: passed" >&2
        passed=$((passed + 1))
    else
        echo "--> $name: failed (exit $status)" >&2
        failed=$((failed + 1))
    fi
}

step lint lint --format github
step fmt fmt --check
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    step diff diff "$base_sha" "$head_sha" --format markdown >>"$GITHUB_STEP_SUMMARY"
else
    step diff diff "$base_sha" "$head_sha" --format markdown
fi

echo "pr-check: $passed passed, $failed failed, $skipped skipped" >&2
[[ $failed -eq 0 ]]
