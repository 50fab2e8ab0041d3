#!/bin/bash
# two `rag index --force` at once on one index, 10 times; then a full integrity check and the headline question
cd "$(dirname "$0")/.."
export RAG_MODEL=none RAG_CORPUS_DIR=corpus RAG_INDEX_DIR="$(mktemp -d)/index"

ok=0
for i in $(seq 10); do
  .venv/bin/rag index --force >"$RAG_INDEX_DIR.1" 2>&1 & a=$!
  .venv/bin/rag index --force >"$RAG_INDEX_DIR.2" 2>&1 & b=$!
  wait $a; ra=$?; wait $b; rb=$?
  integrity=$(.venv/bin/python -c "from rag.manifest import inspect; print(inspect('$RAG_INDEX_DIR', full=True)[1] or 'intact')")
  answer=$(.venv/bin/rag ask "How many foreign R&D centres are there?" 2>/dev/null | head -1)
  echo "run $i: exit $ra $rb, $integrity, $answer, waited: $(grep -c waiting "$RAG_INDEX_DIR.1" "$RAG_INDEX_DIR.2" | tr '\n' ' ')"
  [ $ra = 0 ] && [ $rb = 0 ] && [ "$integrity" = intact ] && [[ "$answer" == *453* ]] && ok=$((ok+1))
done
echo "$ok of 10 runs: both builds succeeded, one intact index that answers 453"
