#!/usr/bin/env bash
# Stages what bench/device-check.ts and the engine-node benchmark need on a lent GPU machine (no
# network there, and at most 64 MiB of tree may travel): the built dist/ and the linux-x64 Dawn
# build of npm `webgpu` (21 MB of its 132), into .device/ (git-ignored). Carry ".device" and run
# the command in bench/device-check.ts's header there.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
rm -rf .device
mkdir -p .device/webgpu/dist
cp -r dist .device/dist
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .device/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .device/webgpu/dist/
du -sh .device
