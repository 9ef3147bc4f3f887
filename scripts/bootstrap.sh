#!/bin/sh
# Installs what the project needs on a fresh Linux machine that has only Node and npm:
#   Bun (pinned, via npm) and the project's packages; with --test-tools also the programs the
#   tests drive (Chromium, tmux, shellcheck, file, curl, and for the image test docker.io and
#   debootstrap) from apt when they are missing, and starts dockerd when no Docker engine answers.
set -eu

BUN_VERSION=1.4.4

main() {
  cd "$(dirname "$0")/.."
  if ! command -v bun >/dev/null 2>&1 || [ "$(bun --version 2>/dev/null)" != "$BUN_VERSION" ]; then
    echo "bootstrap: installing bun@$BUN_VERSION with npm" >&2
    $(as_root_if_needed "$(npm prefix -g)") npm install -g "bun@$BUN_VERSION" >&2
  fi
  bun install --frozen-lockfile >&2
  if [ "${1:-}" = "--test-tools" ]; then
    install_test_tools
  fi
}

# "sudo" when we are not root and cannot write to the given directory (a system-wide npm prefix).
as_root_if_needed() {
  if [ "$(id -u)" != "0" ] && [ ! -w "$1/lib" ] && [ ! -w "$1" ]; then echo sudo; fi
}

install_test_tools() {
  missing=""
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
  command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
  command -v file >/dev/null 2>&1 || missing="$missing file"
  command -v curl >/dev/null 2>&1 || missing="$missing curl"
  # test/distribution/minisign.test.ts: the real minisign checks our signatures and signs for ours to check.
  command -v minisign >/dev/null 2>&1 || missing="$missing minisign"
  # The engine, not the client: a machine may have a `docker` client and no daemon to talk to.
  PATH="$PATH:/usr/sbin:/sbin" command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing="$missing debootstrap"
  # test/ops/disk-full*.test.ts: a small ext4 image on a loop device (mkfs.ext4, e2fsck; losetup, findmnt).
  PATH="$PATH:/usr/sbin:/sbin" command -v mkfs.ext4 >/dev/null 2>&1 || missing="$missing e2fsprogs"
  PATH="$PATH:/usr/sbin:/sbin" command -v losetup >/dev/null 2>&1 || missing="$missing mount"
  command -v findmnt >/dev/null 2>&1 || missing="$missing util-linux"
  sudo_cmd=$(as_root_if_needed /var/lib/dpkg)
  if [ -n "$missing" ]; then
    echo "bootstrap: installing test tools from apt:$missing" >&2
    # Another apt run may hold the dpkg lock (unattended upgrades on a fresh machine): wait for it.
    if ! $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 update -qq >&2; then
      echo "bootstrap: apt-get update failed; the test tools ($missing) cannot be installed" >&2
      return 1
    fi
    # shellcheck disable=SC2086
    if ! DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing >&2; then
      echo "bootstrap: apt-get install failed for:$missing" >&2
      return 1
    fi
  fi
  start_docker "$sudo_cmd"
}

# test/container/image.test.ts builds and runs the Dockerfile: it needs a Docker engine that answers.
start_docker() {
  docker info >/dev/null 2>&1 && return 0
  echo "bootstrap: starting dockerd (log: /var/log/dockerd.log)" >&2
  if [ -d /run/systemd/system ]; then
    $1 systemctl start docker >&2 || true
  fi
  if ! docker info >/dev/null 2>&1; then
    PATH="$PATH:/usr/sbin:/sbin" $1 sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
  fi
  waited=0
  until docker info >/dev/null 2>&1; do
    if [ "$waited" -ge 30 ]; then
      echo "bootstrap: dockerd did not answer within 30 s; see /var/log/dockerd.log" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

main "$@"
