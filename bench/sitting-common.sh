# Sourced by the sitting scripts: the project root, the shared bench folder, the build, and `tag JSON ROUND IMPL`
# (one bench JSON line with its round and implementation added, as bench/table.py reads them).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$root/../shared/bench"
[ -d "$shared" ] || shared=/work/shared/bench
tag() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["round"]=int(sys.argv[2]); d["impl_run"]=sys.argv[3]; print(json.dumps(d))' "$1" "$2" "$3"; }
"$root/cyclegan" --help >/dev/null   # build first, outside the timings
