#!/bin/sh
# Installs (or upgrades) `da`, the Agnes command-line client, from the Agnes server that served
# this script, and points `da` at that server.
#
#   curl -fsSL https://agnes.example.com/cli/install.sh | sh
#   curl -fsSL https://agnes.example.com/cli/install.sh | sh -s -- --print-target
#
# Environment:
#   DA_INSTALL_DIR    where `da` goes (default: ~/.local/bin)
#   DA_CONFIG_DIR     the CLI's config dir (default: $XDG_CONFIG_HOME/da, else ~/.config/da)
#   DA_INSTALL_TARGET force a build, e.g. linux-x64-baseline, when detection picks the wrong one
#   DA_INSTALL_PRINT_TARGET=1 (or --print-target)
#                     print the build this machine would get, change nothing, and exit
#   DA_INSTALL_CPUINFO where to read CPU flags from (default: /proc/cpuinfo)
#   DA_INSTALL_WAIT   seconds to wait while the server builds da at its first start (default: 180)
#
# The whole script is one `main` called on the last line, so a download cut short runs nothing.
# It never edits shell start-up files: it prints a PATH hint instead.
set -eu

AGNES_SERVER='__AGNES_SERVER_URL__'
# The server's da signing key (minisign public key): SHA256SUMS must carry its signature.
AGNES_SIGNING_KEY='__AGNES_SIGNING_KEY__'

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
fail() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}
has() { command -v "$1" >/dev/null 2>&1; }

# --- downloading -----------------------------------------------------------------------------

DOWNLOADER=''
pick_downloader() {
	if has curl; then
		DOWNLOADER=curl
	elif has wget; then
		DOWNLOADER=wget
	else
		fail "neither curl nor wget is installed; install one of them and run this again"
	fi
}

# fetch URL: print the body on stdout (small things: the manifest).
fetch() {
	if [ "$DOWNLOADER" = curl ]; then
		curl -fsSL --proto '=http,https' "$1"
	else
		wget -q -O - "$1"
	fi
}

# download URL FILE: with a progress bar when stderr is a terminal.
download() {
	dl_url=$1
	dl_out=$2
	if [ "$DOWNLOADER" = curl ]; then
		set -- -fL --proto '=http,https' --retry 2
		# Ask for a precompressed copy when this curl can decompress one: --compressed offers exactly
		# the encodings this curl was built with (zstd: ~38 % of the bytes; gzip: ~48 %).
		if curl --version 2>/dev/null | grep -qiE 'libz|zstd'; then set -- "$@" --compressed; fi
		if [ -t 2 ]; then set -- "$@" --progress-bar; else set -- "$@" -sS; fi
		curl "$@" -o "$dl_out" "$dl_url"
	elif [ -t 2 ] && wget --help 2>&1 | grep -q -- '--show-progress'; then
		wget -q --show-progress -O "$dl_out" "$dl_url"
	else
		wget -q -O "$dl_out" "$dl_url"
	fi
}

HASHER=''
pick_hasher() {
	if has sha256sum; then
		HASHER=sha256sum
	elif has shasum; then
		HASHER=shasum
	elif has openssl; then
		HASHER=openssl
	else
		fail "no sha256sum, shasum or openssl found to verify the download; install one and run this again"
	fi
}

sha256_of() {
	case "$HASHER" in
	sha256sum) sha256sum "$1" | cut -d ' ' -f 1 ;;
	shasum) shasum -a 256 "$1" | cut -d ' ' -f 1 ;;
	*) openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1 ;;
	esac
}

# --- the manifest (JSON, read without jq: one target object per line after splitting on braces) --

MANIFEST=''
# Each JSON object on a line of its own: the targets' fields never share a line with another's.
manifest_lines() {
	# shellcheck disable=SC2020 # both braces become newlines, on purpose
	printf '%s\n' "$MANIFEST" | tr '{}' '\n\n'
}
manifest_version() {
	manifest_lines | sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' | head -n 1
}
manifest_targets() {
	manifest_lines | sed -n 's/.*"target" *: *"\([^"]*\)".*/\1/p'
}
# manifest_string TARGET FIELD: a string field of one target.
manifest_string() {
	manifest_lines | grep "\"target\" *: *\"$1\"" | sed -n "s/.*\"$2\" *: *\"\([^\"]*\)\".*/\1/p" | head -n 1
}
is_built() { manifest_targets | grep -qx -e "$1"; }
# Targets the server is building right now (its first start): "building":["linux-x64",…]
manifest_building() {
	printf '%s\n' "$MANIFEST" | tr -d '\n' | sed -n 's/.*"building" *: *\[\([^]]*\)\].*/\1/p' | tr -d '" ' | tr ',' '\n'
}
is_building() { manifest_building | grep -qx -e "$1"; }
# Built, or being built: what the server offers (choose_target picks from these, then we wait).
is_offered() { is_built "$1" || is_building "$1"; }

# --- which build this machine needs ----------------------------------------------------------
# The same rule as chooseTarget in src/modules/distribution/targets.ts (the one table of targets);
# test/distribution/targets-sync.test.ts runs this against it for every kind of machine and build.

detect_os() {
	case "$(uname -s)" in
	Linux) echo linux ;;
	Darwin) echo darwin ;;
	MINGW* | MSYS* | CYGWIN* | Windows_NT)
		fail "this is Windows: install with PowerShell instead: irm $AGNES_SERVER/cli/install.ps1 | iex" ;;
	*) fail "unsupported operating system: $(uname -s) (da is built for Linux, macOS and Windows)" ;;
	esac
}

detect_arch() {
	case "$(uname -m)" in
	x86_64 | amd64 | x64) arch=x64 ;;
	aarch64 | arm64) arch=arm64 ;;
	# armv8l/armv7l are 32-bit ARM userlands: an arm64 build cannot run there.
	*) fail "unsupported CPU architecture: $(uname -m) (da is built for x86_64 and arm64)" ;;
	esac
	# An arm64 Mac running this shell under Rosetta reports x86_64; give it the native build.
	if [ "$1" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
		arch=arm64
	fi
	echo "$arch"
}

is_musl() {
	if ldd --version 2>&1 | grep -qi musl; then return 0; fi
	for f in /lib/ld-musl-*; do
		if [ -e "$f" ]; then return 0; fi
	done
	return 1
}

lacks_avx2() {
	cpuinfo="${DA_INSTALL_CPUINFO:-/proc/cpuinfo}"
	[ -r "$cpuinfo" ] && ! grep -qi 'avx2' "$cpuinfo"
}

choose_target() {
	if [ -n "${DA_INSTALL_TARGET:-}" ]; then
		is_offered "$DA_INSTALL_TARGET" || fail "DA_INSTALL_TARGET=$DA_INSTALL_TARGET is not built on this server (built: $(manifest_targets | tr '\n' ' '))"
		echo "$DA_INSTALL_TARGET"
		return
	fi
	# `|| exit 1`: bash outside POSIX mode does not carry `set -e` into $( ).
	os=$(detect_os) || exit 1
	arch=$(detect_arch "$os") || exit 1
	target="$os-$arch"
	if [ "$os" = linux ]; then
		if is_musl; then
			if is_offered "$target-musl"; then
				target="$target-musl"
			else
				warn "this system uses musl libc but the server has no $target-musl build; trying $target (needs gcompat)"
			fi
		elif [ "$arch" = x64 ] && lacks_avx2; then
			if is_offered "$target-baseline"; then
				target="$target-baseline"
			else
				warn "this CPU lacks AVX2 but the server has no $target-baseline build; trying $target"
			fi
		fi
	fi
	# The baseline build runs on every x64 CPU: use it when it is all the server has.
	if ! is_offered "$target" && is_offered "$target-baseline"; then target="$target-baseline"; fi
	is_offered "$target" || fail "the server at $AGNES_SERVER has no da build for $target (built: $(manifest_targets | tr '\n' ' ')); an administrator can run \`bun run build\` there"
	echo "$target"
}

# wait_for_build TARGET: while the server builds it at its first start, poll the manifest.
wait_for_build() {
	waited=0
	wait_max="${DA_INSTALL_WAIT:-180}"
	while ! is_built "$1"; do
		is_building "$1" || fail "the server at $AGNES_SERVER could not build da for $1; an administrator can see its log and run \`bun run build\` there"
		[ "$waited" -lt "$wait_max" ] || fail "the server at $AGNES_SERVER is still building da for $1; try again in a minute"
		if [ "$waited" = 0 ]; then say "The server is building da for $1 (its first start); waiting up to $wait_max s"; fi
		sleep 5
		waited=$((waited + 5))
		MANIFEST=$(fetch "$AGNES_SERVER/cli/manifest.json") || fail "cannot reach the Agnes server at $AGNES_SERVER"
	done
}

# --- the signature (minisign format: SHA256SUMS signed with the server's key) ---------------
# With minisign, it checks everything. Without it, OpenSSL 3 checks the same Ed25519 signatures (the
# file's and the trusted comment's: the release signature is minisign's legacy kind, over the raw file).
# With neither, the script says so and relies on the server's SHA-256 alone.

SIGDIR=''
b64d() { openssl base64 -d -A; }
hex_of() { od -An -tx1 | tr -d ' \n'; }

# openssl_verify KEYFILE(DER) DATA SIGBYTES-BASE64: one Ed25519 check.
openssl_verify() {
	printf '%s' "$3" | b64d >"$SIGDIR/sig.bin" || return 1
	openssl pkeyutl -verify -pubin -keyform DER -inkey "$1" -rawin -in "$2" -sigfile "$SIGDIR/sig.bin" >/dev/null 2>&1
}

verify_with_openssl() {
	key_hex=$(printf '%s' "$AGNES_SIGNING_KEY" | b64d | hex_of)
	sig_line=$(sed -n 2p "$SIGDIR/SHA256SUMS.minisig")
	sig_hex=$(printf '%s' "$sig_line" | b64d | hex_of)
	# "Ed" (4564) + the key id: the signature must name our key, and be of the raw-file kind.
	[ "$(printf '%s' "$sig_hex" | cut -c 1-20)" = "$(printf '%s' "$key_hex" | cut -c 1-20)" ] || return 1
	[ "$(printf '%s' "$key_hex" | cut -c 1-4)" = 4564 ] || return 1
	# SubjectPublicKeyInfo for Ed25519: a fixed 12-byte DER prefix, then the 32-byte key.
	{
		printf '\060\052\060\005\006\003\053\145\160\003\041\000'
		printf '%s' "$AGNES_SIGNING_KEY" | b64d | tail -c 32
	} >"$SIGDIR/key.der"
	printf '%s' "$sig_line" | b64d | tail -c 64 >"$SIGDIR/sig.raw"
	openssl_verify "$SIGDIR/key.der" "$SIGDIR/SHA256SUMS" "$(openssl base64 -A <"$SIGDIR/sig.raw")" || return 1
	# The trusted comment (it names the version) is signed together with the signature.
	{
		cat "$SIGDIR/sig.raw"
		sed -n 3p "$SIGDIR/SHA256SUMS.minisig" | sed 's/^trusted comment: //' | tr -d '\n'
	} >"$SIGDIR/global.bin"
	openssl_verify "$SIGDIR/key.der" "$SIGDIR/global.bin" "$(sed -n 4p "$SIGDIR/SHA256SUMS.minisig")"
}

has_openssl3() { has openssl && openssl version 2>/dev/null | grep -q '^OpenSSL [3-9]'; }

# verified_sums: SHA256SUMS from the server, signature checked when a checker is here, on stdout.
verified_sums() {
	fetch "$AGNES_SERVER/cli/SHA256SUMS" >"$SIGDIR/SHA256SUMS" || fail "cannot fetch $AGNES_SERVER/cli/SHA256SUMS"
	fetch "$AGNES_SERVER/cli/SHA256SUMS.minisig" >"$SIGDIR/SHA256SUMS.minisig" 2>/dev/null ||
		fail "the da builds on $AGNES_SERVER are not signed ($AGNES_SERVER/cli/SHA256SUMS.minisig is missing); not installing"
	if has minisign; then
		minisign -Vq -P "$AGNES_SIGNING_KEY" -m "$SIGDIR/SHA256SUMS" -x "$SIGDIR/SHA256SUMS.minisig" >/dev/null 2>&1 ||
			fail "the signature of $AGNES_SERVER/cli/SHA256SUMS does not verify with the server's signing key (minisign); not installing"
		say "Signature verified with minisign" >&2
	elif has_openssl3; then
		verify_with_openssl ||
			fail "the signature of $AGNES_SERVER/cli/SHA256SUMS does not verify with the server's signing key (openssl); not installing"
		say "Signature verified with openssl" >&2
	else
		warn "neither minisign nor OpenSSL 3 is installed, so the release signature cannot be checked here; relying on the SHA-256 from the server"
	fi
	cat "$SIGDIR/SHA256SUMS"
}

# sum_for FILENAME: its line in SHA256SUMS (read from stdin).
sum_for() { awk -v f="$1" '$2 == f || $2 == "*" f { print $1; exit }'; }

# --- installing ------------------------------------------------------------------------------

version_of() {
	"$1" --version 2>/dev/null | grep -o '[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9A-Za-z.+-]*' | head -n 1
}

config_dir() {
	if [ -n "${DA_CONFIG_DIR:-}" ]; then
		echo "$DA_CONFIG_DIR"
	elif [ -n "${XDG_CONFIG_HOME:-}" ]; then
		echo "$XDG_CONFIG_HOME/da"
	else
		echo "$HOME/.config/da"
	fi
}

# Replace the `server:` and `signing_key:` lines of config.yml (or add them), keeping every other
# line as it was. (sh has no local variables: the cfg_ prefix keeps these apart from main's.)
write_server_config() {
	cfg_dir=$(config_dir)
	mkdir -p "$cfg_dir"
	cfg_file="$cfg_dir/config.yml"
	# A fresh name (mktemp: O_EXCL), so a symlink planted at a guessable one is never written through.
	cfg_tmp=$(mktemp "$cfg_dir/.config.yml.XXXXXX") || fail "cannot write in $cfg_dir"
	if [ -f "$cfg_file" ]; then
		awk -v server="server: $AGNES_SERVER" -v key="signing_key: $AGNES_SIGNING_KEY" '
			/^server[ \t]*:/ { if (!s) print server; s = 1; next }
			/^signing_key[ \t]*:/ { if (!k) print key; k = 1; next }
			{ print }
			END { if (!s) print server; if (!k) print key }
		' "$cfg_file" >"$cfg_tmp"
	else
		printf 'server: %s\nsigning_key: %s\n' "$AGNES_SERVER" "$AGNES_SIGNING_KEY" >"$cfg_tmp"
	fi
	mv -f "$cfg_tmp" "$cfg_file"
	say "Server set to $AGNES_SERVER (signing key pinned) in $cfg_file"
}

path_hint() {
	case ":$PATH:" in
	*":$1:"*) return ;;
	esac
	say ""
	say "$1 is not on your PATH. Add it in your shell's start-up file (~/.profile, ~/.bashrc, ~/.zshrc):"
	say "  export PATH=\"$1:\$PATH\""
	case "${SHELL:-}" in
	*/fish) say "or, for fish: fish_add_path $1" ;;
	esac
}

# prepare_dir DIR: create it (only we can write to what we create), or check that nobody else
# can write to the one that is there: another user who can could swap our download before the
# rename, or plant a symlink where we are about to write. Group-writable is accepted only for a
# user-private group (owner uid = group gid = ours: Debian/Ubuntu with umask 002).
prepare_dir() {
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		(umask 022 && mkdir -p "$1") || fail "cannot create $1"
		return
	fi
	[ -d "$1" ] || fail "$1 is not a directory"
	# shellcheck disable=SC2012 # ls -n is the portable way to read a mode and numeric owner
	perm_line=$(ls -ldnL "$1") || fail "cannot read the permissions of $1"
	perm_mode=$(printf '%s\n' "$perm_line" | cut -c 1-10)
	perm_ids=$(printf '%s\n' "$perm_line" | awk '{ print $3 ":" $4 }')
	me=$(id -u)
	if [ "$(printf '%s' "$perm_mode" | cut -c 9)" = w ] ||
		{ [ "$(printf '%s' "$perm_mode" | cut -c 6)" = w ] && { [ "$perm_ids" != "$me:$me" ] || [ "$(id -g)" != "$me" ]; }; }; then
		fail "$1 can be written by other users ($perm_mode), so da will not be installed there. Make it writable by you alone (chmod go-w $1), or set DA_INSTALL_DIR to a directory only you can write"
	fi
}

# refuse_link PATH: never write through a symlink (it could point at any file of ours, ~/.bashrc or /etc/passwd).
refuse_link() {
	if [ -L "$1" ]; then
		fail "$1 is a symbolic link; the installer does not write through links. If you made it, remove it (rm $1) and run this again"
	fi
	if [ -e "$1" ] && [ ! -f "$1" ]; then fail "$1 exists and is not a regular file; remove it and run this again"; fi
}

TMPFILE=''
cleanup() {
	if [ -n "$TMPFILE" ]; then rm -f "$TMPFILE"; fi
	if [ -n "$SIGDIR" ]; then rm -rf "$SIGDIR"; fi
}

main() {
	print_only="${DA_INSTALL_PRINT_TARGET:-}"
	for arg in "$@"; do
		case "$arg" in
		--print-target) print_only=1 ;;
		-h | --help)
			say "usage: curl -fsSL $AGNES_SERVER/cli/install.sh | sh [-s -- --print-target]"
			say "env: DA_INSTALL_DIR (default ~/.local/bin), DA_CONFIG_DIR, DA_INSTALL_TARGET, DA_INSTALL_PRINT_TARGET=1"
			return 0
			;;
		*) fail "unknown option: $arg (known: --print-target, --help)" ;;
		esac
	done

	pick_downloader
	pick_hasher
	MANIFEST=$(fetch "$AGNES_SERVER/cli/manifest.json") ||
		fail "cannot reach the Agnes server at $AGNES_SERVER (could not fetch $AGNES_SERVER/cli/manifest.json)"
	version=$(manifest_version)
	[ -n "$version" ] || fail "$AGNES_SERVER/cli/manifest.json is not an Agnes CLI manifest"
	target=$(choose_target) || exit 1
	if [ "$print_only" = 1 ]; then
		echo "$target"
		return 0
	fi
	wait_for_build "$target"
	version=$(manifest_version)
	filename=$(manifest_string "$target" filename)
	[ -n "$filename" ] || fail "the manifest has no file for $target"
	trap cleanup EXIT
	trap 'cleanup; exit 130' INT TERM
	# Made here, not inside $( ): the EXIT trap of this shell must see it to remove it.
	SIGDIR=$(mktemp -d) || fail "cannot create a temporary directory"
	sums=$(verified_sums) || exit 1
	expected=$(printf '%s\n' "$sums" | sum_for "$filename")
	[ -n "$expected" ] || fail "the signed SHA256SUMS has no checksum for $filename ($target)"

	dir="${DA_INSTALL_DIR:-$HOME/.local/bin}"
	prepare_dir "$dir"
	dest="$dir/da"
	refuse_link "$dest"
	old=''
	if [ -x "$dest" ]; then old=$(version_of "$dest" || true); fi

	if [ -x "$dest" ] && [ "$(sha256_of "$dest")" = "$expected" ]; then
		say "da $version ($target) is already installed at $dest"
	else
		say "Downloading da $version for $target from $AGNES_SERVER"
		# Same directory as the destination, so the final mv is an atomic rename; a fresh, unguessable
		# name (mktemp creates it with O_EXCL), so a symlink planted in advance is never written through.
		TMPFILE=$(mktemp "$dir/.da.download.XXXXXX") || fail "cannot create a file in $dir; $dest was not changed"
		download "$AGNES_SERVER/cli/download/$target" "$TMPFILE" ||
			fail "download of $AGNES_SERVER/cli/download/$target failed; $dest was not changed"
		actual=$(sha256_of "$TMPFILE")
		if [ "$actual" != "$expected" ]; then
			fail "checksum mismatch for da-$target: expected $expected, got $actual. Not installing; $dest was not changed"
		fi
		chmod 755 "$TMPFILE"
		if [ "${target#darwin-}" != "$target" ] && has codesign; then
			# Cross-compiled Mach-O signatures have been rejected by Gatekeeper: re-sign ad hoc.
			codesign --remove-signature "$TMPFILE" 2>/dev/null || true
			codesign -fs - "$TMPFILE" >/dev/null 2>&1 || warn "codesign could not re-sign da; macOS may refuse to run it"
		fi
		"$TMPFILE" --version >/dev/null 2>&1 ||
			fail "the downloaded da does not run on this machine ($target); $dest was not changed"
		refuse_link "$dest"
		mv -f "$TMPFILE" "$dest"
		TMPFILE=''
		if [ -n "$old" ] && [ "$old" != "$version" ]; then
			say "Upgraded da $old -> $version at $dest"
		elif [ -n "$old" ]; then
			say "Reinstalled da $version at $dest"
		else
			say "Installed da $version at $dest"
		fi
	fi

	write_server_config
	"$dest" --version || fail "$dest --version failed after installing"
	path_hint "$dir"
	say ""
	say "Next steps:"
	say "  da login                   sign in to $AGNES_SERVER in your browser (--device: with a code)"
	say "  da auth whoami             check who you are signed in as"
	say "  da auth token create       a token for scripts and CI (use it as DA_TOKEN)"
}

main "$@"
