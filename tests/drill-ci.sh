#!/usr/bin/env bash
# drill-ci.sh - a whole connection-leak drill the way a CI job runs one: drillsim on a manual
# clock, driven only by drillctl, remediated with the runbook's own `aws` CLI commands
# (/work/shared/seed/connection-exhaustion-runbook.md, copied verbatim with {env} = dev), and
# gated by the drill report's score.
#
#   1. the runbook's "Cause 1" resolution (reset /golden/failure_mode, force a new deployment):
#      `drillctl report --fail-under 70` must exit 0;
#   2. the same drill with a restart only (force a new deployment, the flag left on):
#      `drillctl report --fail-under 70` must exit 4 (below the bar), and the report must say
#      that the root cause was not fixed.
#
# Usage: tests/drill-ci.sh   (DRILLSIM_BUILD=DIR picks the build, default build/; ctest entry
# e2e.drill_ci). Needs the aws CLI and jq. Exits 0 when both drills end as expected.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${DRILLSIM_BUILD:-$ROOT/build}
DRILLSIM=$BUILD/drillsim
DRILLCTL=$BUILD/drillctl
START=2026-01-01T00:00:00Z

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'drill-ci: FAIL: %s\n' "$*" >&2; exit 1; }

for tool in aws jq; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
[ -x "$DRILLSIM" ] && [ -x "$DRILLCTL" ] || fail "build $DRILLSIM and $DRILLCTL first"

work=$(mktemp -d)
pid=
cleanup() {
    local rc=$?
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        wait "$pid" || { echo "drill-ci: drillsim exited $? on SIGTERM" >&2; rc=1; }
    fi
    if [ $rc -ne 0 ] && [ -s "$work/drillsim.err" ]; then
        echo "--- drillsim's stderr (tail)" >&2
        tail -20 "$work/drillsim.err" >&2
    fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT

# drillsim on a free port, a throwaway store and a manual clock
"$DRILLSIM" --port 0 --data :memory: --app-port -1 --clock "manual@$START" \
    >"$work/drillsim.out" 2>"$work/drillsim.err" &
pid=$!
for _ in $(seq 1 300); do
    grep -q '^drillsim listening on ' "$work/drillsim.out" && break
    kill -0 "$pid" 2>/dev/null || fail "drillsim exited at start"
    sleep 0.1
done
DRILLSIM_ENDPOINT=$(sed -n 's/^drillsim listening on //p' "$work/drillsim.out")
[ -n "$DRILLSIM_ENDPOINT" ] || fail "drillsim did not say where it listens"
export DRILLSIM_ENDPOINT

# one trainee's credentials: drillctl's team is the account of this key, as for the aws CLI
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_PAGER="" NO_COLOR=1
# the runbook's commands stay its text: `aws` adds the endpoint
aws() { command aws --endpoint-url "$DRILLSIM_ENDPOINT" "$@"; }
drillctl() { "$DRILLCTL" "$@"; }

# The runbook, "Cause 1: Connection Leak Failure Mode Enabled", Resolution.
cause1_resolution() {
    # Reset failure mode to normal
    aws ssm put-parameter \
      --name "/golden/failure_mode" \
      --value "none" \
      --type String \
      --overwrite

    # Restart ECS tasks to clear existing connections
    aws ecs update-service \
      --cluster golden-path-cluster-dev \
      --service golden-path-service-dev \
      --force-new-deployment
}

# The runbook, "Immediate Actions", 1. Restart ECS Tasks: a restart only.
restart_only() {
    # Force new deployment to clear all connections
    aws ecs update-service \
      --cluster golden-path-cluster-dev \
      --service golden-path-service-dev \
      --force-new-deployment
}

# Runs one drill: start, 20 minutes in, the remediation, 15 minutes more. The aws CLI's JSON
# goes to a file (the job's log stays readable).
drill() {
    local remediation=$1
    drillctl start connection-leak --clock "manual@$START"
    drillctl advance 20m
    drillctl status --all
    "$remediation" >"$work/$remediation.aws.json"
    drillctl advance 15m
    drillctl status --all
}

say "drill 1: the runbook's cause-1 resolution"
drill cause1_resolution
set +e
drillctl report --fail-under 70
rc=$?
set -e
[ $rc -eq 0 ] || fail "report --fail-under 70 exited $rc after the root cause was fixed"
drillctl report --json | jq -e '.rootCauseFixed == true and .score >= 70' >/dev/null \
    || fail "the report does not say the root cause was fixed"

say "drill 2: a restart only"
drillctl stop
drill restart_only
set +e
drillctl report --fail-under 70 >"$work/report.txt"
rc=$?
set -e
cat "$work/report.txt"
[ $rc -eq 4 ] || fail "report --fail-under 70 exited $rc after a restart only (expected 4)"
drillctl report --json >"$work/report.json"
jq -e '.rootCauseFixed == false and .score < 60' "$work/report.json" >/dev/null \
    || fail "the report's JSON does not say the root cause was not fixed:
$(cat "$work/report.json")"
grep -q '^root cause         NOT fixed' "$work/report.txt" \
    || fail "drillctl's report does not say the root cause was not fixed"
drillctl report --format md >"$work/report.md"
grep -qi 'root cause was not fixed' "$work/report.md" \
    || fail "the Markdown report does not say the root cause was not fixed"

say "drill-ci: both drills ended as expected"
