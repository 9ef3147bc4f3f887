#!/bin/sh
# Makes the test's base image `agnes-base:bun-1.4.4` without an image registry: a Debian bookworm
# rootfs from Debian's own packages (debootstrap, cached under $AGNES_IMAGE_CACHE), this machine's
# bun binary copied in (a debootstrap rootfs has none) and a `bun` user (uid 1000) like oven/bun's.
# It trusts the CAs this machine trusts (its /etc/ssl/certs bundle, given to Bun through
# NODE_EXTRA_CA_CERTS), so `bun install` in `docker build` works behind the same TLS proxy.
# Idempotent: an image made by this version of the script is kept, an existing rootfs is reused.
set -eu

IMAGE=${AGNES_BASE_IMAGE:-agnes-base:bun-1.4.4}
CACHE=${AGNES_IMAGE_CACHE:-/var/cache/agnes-test}

main() {
	mkdir -p "$CACHE"
	# Test processes running at once (bun test --parallel) make the image once: the rest wait here.
	exec 9>"$CACHE/.lock"
	flock 9
	script_sha=$(sha256sum "$0" | cut -c1-16)
	if [ "$(docker image inspect -f '{{index .Config.Labels "agnes.base-script"}}' "$IMAGE" 2>/dev/null)" = "$script_sha" ]; then
		echo "$IMAGE already exists"
		return 0
	fi
	rootfs="$CACHE/rootfs-bookworm"
	if [ ! -f "$rootfs/.complete" ]; then
		rm -rf "$rootfs"
		mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/* 2>/dev/null | head -n 1)
		debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >&2
		touch "$rootfs/.complete"
	fi
	bun=$(command -v bun)
	[ "$("$bun" --version)" = 1.4.4 ] || { echo "bun 1.4.4 needed on the host, found $("$bun" --version)" >&2; exit 1; }
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# The cached rootfs stays pristine: bun and the user go into a copy.
	cp -a "$rootfs/." "$work/"
	rm -f "$work/.complete"
	cp "$(readlink -f "$bun")" "$work/usr/local/bin/bun"
	chmod 755 "$work/usr/local/bin/bun"
	ln -sf bun "$work/usr/local/bin/bunx"
	grep -q '^bun:' "$work/etc/passwd" || {
		echo 'bun:x:1000:1000::/home/bun:/bin/sh' >>"$work/etc/passwd"
		echo 'bun:x:1000:' >>"$work/etc/group"
		mkdir -p "$work/home/bun" && chown 1000:1000 "$work/home/bun"
	}
	if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
		cp /etc/ssl/certs/ca-certificates.crt "$work/etc/ssl/certs/ca-certificates.crt"
	fi
	tar -C "$work" -c . | docker import \
		--change "LABEL agnes.base-script=$script_sha" \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
		- "$IMAGE" >&2
	echo "made $IMAGE"
}

main "$@"
