#!/bin/sh
# Installs what the project needs on a fresh Linux machine that has only Node and npm:
#   Bun (pinned, via npm) and the project's packages; with --test-tools also the programs the
#   tests drive (Chromium, tmux, shellcheck, file, curl, minisign, gnome-keyring and dbus for the
#   keychain test, hyperfine for bench:cli, and for the image test docker.io and debootstrap) from apt
#   when they are missing, and starts dockerd when no Docker engine answers.
#   --plan         with --test-tools: print the apt packages that are missing, install nothing
#   BOOTSTRAP_TOOLS="file tmux …"   consider only these test tools (test/container/bootstrap.test.ts)
# Each thing it cannot do is said in one line starting with "bootstrap:", and it exits non-zero.
set -eu

BUN_VERSION=1.4.4
ALL_TOOLS="chromium tmux shellcheck file curl minisign docker debootstrap mkfs.ext4 losetup findmnt gnome-keyring dbus hyperfine"

main() {
  cd "$(dirname "$0")/.."
  test_tools=no
  plan=no
  for arg in "$@"; do
    case "$arg" in
      --test-tools) test_tools=yes ;;
      --plan) plan=yes ;;
      *) fail "unknown option $arg (expected --test-tools, --plan)" ;;
    esac
  done
  if [ "$plan" = yes ]; then
    echo "bootstrap: test tools to install from apt:$(missing_packages)"
    return 0
  fi
  install_bun
  if [ "$test_tools" = yes ]; then
    install_test_tools
  fi
}

fail() {
  echo "bootstrap: $*" >&2
  exit 1
}

install_bun() {
  if ! command -v bun >/dev/null 2>&1 || [ "$(bun --version 2>/dev/null)" != "$BUN_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is needed to install bun@$BUN_VERSION; install Node.js and npm first"
    echo "bootstrap: installing bun@$BUN_VERSION with npm" >&2
    $(as_root_if_needed "$(npm prefix -g)") npm install -g "bun@$BUN_VERSION" >&2 || fail "npm install -g bun@$BUN_VERSION failed (is the npm registry reachable?)"
  fi
  bun install --frozen-lockfile >&2 || fail "bun install failed (is the npm registry reachable? is bun.lock in step with package.json?)"
}

# "sudo" when we are not root and cannot write to the given directory (a system-wide npm prefix).
as_root_if_needed() {
  if [ "$(id -u)" != "0" ] && [ ! -w "$1/lib" ] && [ ! -w "$1" ]; then echo sudo; fi
}

wanted() {
  case " ${BOOTSTRAP_TOOLS:-$ALL_TOOLS} " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

has() {
  PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1
}

# The Debian packages of the wanted tools that are missing, each after a space.
missing_packages() {
  missing=""
  wanted chromium && { [ -x /usr/bin/chromium ] || missing="$missing chromium"; }
  for tool in tmux shellcheck file curl minisign debootstrap; do
    wanted "$tool" && { has "$tool" || missing="$missing $tool"; }
  done
  # The engine, not the client: a machine may have a `docker` client and no daemon to talk to.
  wanted docker && { has dockerd || missing="$missing docker.io"; }
  # test/ops/disk-full*.test.ts: a small ext4 image on a loop device (mkfs.ext4, e2fsck; losetup, findmnt).
  wanted mkfs.ext4 && { has mkfs.ext4 || missing="$missing e2fsprogs"; }
  wanted losetup && { has losetup || missing="$missing mount"; }
  wanted findmnt && { has findmnt || missing="$missing util-linux"; }
  # test/cli/keychain.test.ts: a real Secret Service (gnome-keyring) on a private session bus.
  wanted gnome-keyring && { has gnome-keyring-daemon || missing="$missing gnome-keyring"; }
  wanted dbus && { has dbus-run-session || missing="$missing dbus"; }
  # bench/cli-startup.ts (bun run bench:cli) times da against a compiled hello-world with hyperfine.
  wanted hyperfine && { has hyperfine || missing="$missing hyperfine"; }
  echo "$missing"
}

install_test_tools() {
  missing=$(missing_packages)
  sudo_cmd=$(as_root_if_needed /var/lib/dpkg)
  if [ -n "$missing" ]; then
    echo "bootstrap: installing test tools from apt:$missing" >&2
    # Another apt run may hold the dpkg lock (unattended upgrades on a fresh machine): wait for it.
    $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || fail "apt-get update failed; the test tools ($missing) cannot be installed"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing >&2 || fail "apt-get install failed for:$missing"
  fi
  if wanted docker; then start_docker "$sudo_cmd"; fi
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
    [ "$waited" -lt 30 ] || fail "dockerd did not answer within 30 s; see /var/log/dockerd.log"
    sleep 1
    waited=$((waited + 1))
  done
}

main "$@"
