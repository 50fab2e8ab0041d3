#!/bin/bash
# Kill `rag index --force` with SIGKILL at a random moment, N times (default 23); after each, ask the
# headline question: the previous index (or one rebuilt on first use) must answer 453 家.
cd "$(dirname "$0")/.."
export RAG_MODEL=none RAG_CORPUS_DIR=corpus RAG_INDEX_DIR="$(mktemp -d)/index"
.venv/bin/rag index >/dev/null 2>&1
ok=0; n=${1:-23}
for i in $(seq "$n"); do
  .venv/bin/rag index --force >/dev/null 2>&1 & pid=$!
  delay=$(python3 -c "import random; print(round(random.uniform(0.1, 5.0), 2))")
  sleep "$delay"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  answer=$(.venv/bin/rag ask "How many foreign R&D centres are there?" 2>/tmp/killed-builds.err | head -1)
  unexpected=$(grep -c unexpected /tmp/killed-builds.err)
  echo "trial $i: killed after ${delay}s; answer: $answer; unexpected errors: $unexpected"
  [[ "$answer" == *453* ]] && [ "$unexpected" = 0 ] && ok=$((ok+1))
done
echo "$ok of $n killed builds left an index that answers 453"
