#!/bin/sh
# Installs what the project needs on a fresh Linux machine that has only Node and npm:
#   Bun (pinned, via npm) and the project's packages; with --test-tools also the programs the
#   tests drive (Chromium, tmux, shellcheck, file, curl) from apt when they are missing.
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
  [ -z "$missing" ] && return 0
  echo "bootstrap: installing test tools from apt:$missing" >&2
  sudo_cmd=$(as_root_if_needed /var/lib/dpkg)
  # shellcheck disable=SC2086
  $sudo_cmd apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >&2
}

main "$@"
