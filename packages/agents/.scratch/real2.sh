#!/bin/sh
cd /work/wt-unit-mock/packages/agents
for p in /tmp/unit-mock/change-case/packages/change-case /tmp/unit-mock/p-limit; do
  echo "##### $p UTG"
  nice -n 10 node --conditions=@qe-fleet/source --import tsx .scratch/utg-try.ts $p doc-examples,boundaries,coverage-guided 2>&1 | tail -60
done
