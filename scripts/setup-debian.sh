#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the system packages prequel needs on Debian 12 (bookworm) or Ubuntu: a C++ toolchain
# and CMake for the native addon, OpenBLAS for the CPU backend, Mesa's Vulkan drivers (lavapipe,
# a software GPU; 25.x from bookworm-backports, since Dawn rejects the 22.x in bookworm) for the
# WebGPU backend on machines without a GPU, and Chromium for the report's browser test.
set -euo pipefail

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

. /etc/os-release
if [ "${VERSION_CODENAME:-}" = "bookworm" ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" |
    $sudo tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
fi

$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends \
  build-essential cmake ninja-build python3 pkg-config \
  libopenblas-dev clang-format chromium

if [ "${VERSION_CODENAME:-}" = "bookworm" ]; then
  $sudo apt-get install -y -q --no-install-recommends -t bookworm-backports \
    mesa-vulkan-drivers libvulkan1
else
  $sudo apt-get install -y -q --no-install-recommends mesa-vulkan-drivers libvulkan1
fi

# Node.js 20 or later must already be installed (Debian 12 ships 18): from nodejs.org, NodeSource
# or nvm. Say so clearly rather than failing later inside npm.
if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js 20 or later is required but 'node' is not installed (Debian 12's nodejs" \
    "package is 18; install 20+ from nodejs.org, NodeSource or nvm)" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or later is required, found $(node --version)" >&2
  exit 1
fi
