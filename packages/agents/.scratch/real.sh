#!/bin/sh
cd /work/wt-unit-mock/packages/agents
for p in /tmp/unit-mock/change-case/packages/change-case /tmp/unit-mock/p-limit /tmp/unit-mock/ky; do
  echo "##### $p UTG"
  nice -n 10 node --conditions=@qe-fleet/source --import tsx .scratch/utg-try.ts $p doc-examples,boundaries,coverage-guided 2>&1 | tail -60
  echo "##### $p MG"
  nice -n 10 node --conditions=@qe-fleet/source --import tsx .scratch/mg-try.ts $p record,track-promises,fault-injection 2>&1 | tail -40
done
