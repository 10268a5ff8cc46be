# Shell helpers shared by the runner scripts. Source it; do not run it.
# shellcheck shell=bash

IODIRTY_TOP=${IODIRTY_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
IODIRTY_CACHE=${IODIRTY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iodirty}
# Build outputs and lab results (make passes BUILD= through IODIRTY_BUILD).
IODIRTY_BUILD=${IODIRTY_BUILD:-$IODIRTY_TOP/build}
IODIRTY_RESULTS=${IODIRTY_RESULTS:-$IODIRTY_TOP/results}

die()
{
	printf 'iodirty: error: %s\n' "$1" >&2
	[ -n "${2:-}" ] && printf 'iodirty: next: %s\n' "$2" >&2
	exit 1
}

say()
{
	printf 'iodirty: %s\n' "$*" >&2
}

# need_pkgs PKG...: make sure the Debian packages are installed. As root they
# are installed with apt-get; otherwise the missing ones are named in one error.
need_pkgs()
{
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing Debian packages: ${missing[*]}" \
		    "run as root: apt-get install ${missing[*]}  (or run this command as root and it installs them)"
	fi
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
		apt-get update >&2 || die "apt-get update failed" "check the machine's Debian package sources"
		apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
			die "apt-get install ${missing[*]} failed" "see the apt output above"
	fi
}

# hash_of FILE...: a short stable hash of the files' contents.
hash_of()
{
	cat "$@" | sha256sum | cut -c1-12
}
