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
