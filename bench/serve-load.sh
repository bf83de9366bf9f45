#!/usr/bin/env bash
# Load figure of `cyclegan serve`: N translate requests (default 200) of one 64 px PNG from 4 concurrent clients
# on 127.0.0.1, in rounds of 50; prints status counts, wall time and the server's resident memory after each round.
# Usage: bench/serve-load.sh CHECKPOINTS_DIR RUN IMAGE.png [N]
set -euo pipefail
ck=$1 run=$2 image=$3 n=${4:-200}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port=18080
"$root/cyclegan" serve --checkpoints_dir "$ck" --port $port > /tmp/serve-load.log 2>&1 &
pid=$!
trap 'kill $pid' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/api/runs" > /dev/null && break; sleep 0.5; done
url="http://127.0.0.1:$port/api/translate?run=$run&net=G_A&epoch=latest"
post() { curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: image/png' --data-binary "@$image" "$url"; }
export -f post; export url image
post > /dev/null  # loads the generator
echo "before: rss $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
start=$(date +%s%N)
for round in $(seq 50 50 "$n"); do
  seq 1 50 | xargs -P 4 -I{} bash -c post | sort | uniq -c | tr '\n' ' '
  echo "after $round requests: rss $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
done
echo "wall $(( ($(date +%s%N) - start) / 1000000 )) ms for $n requests"
