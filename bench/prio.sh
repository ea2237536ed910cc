#!/bin/sh
# run a benchmark in a scheduling group of its own with a higher weight (autogroup is on here, so
# per-process nice does not order our work against other sessions' niced tests)
echo "${PACT_BENCH_AUTOGROUP_NICE:--15}" > /proc/self/autogroup
exec "$@"
