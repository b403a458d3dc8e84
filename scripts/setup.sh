#!/usr/bin/env bash
# System packages webgpu-bnn needs on Debian (12+) to run WebGPU in Node without a GPU: the Vulkan
# loader (libvulkan1) and Chromium, whose package ships the SwiftShader Vulkan driver
# (/usr/lib/chromium/vk_swiftshader_icd.json) that createNodeContext() falls back to; and for the
# tests of the Python exporter (python/), Python 3 with PyTorch and numpy (python3-torch,
# python3-numpy: the tests train small torch networks and compare the engine with torch).
# Installs them only if missing (as root, or through sudo). Then: npm ci && npm start.
set -euo pipefail

SWIFTSHADER_ICD=/usr/lib/chromium/vk_swiftshader_icd.json

if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js 20 or newer is required (https://nodejs.org or 'apt-get install nodejs npm' on Debian 13)" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required, found $(node --version)" >&2
  exit 1
fi

missing=()
if ! dpkg -s libvulkan1 >/dev/null 2>&1; then missing+=(libvulkan1); fi
if [ ! -e "$SWIFTSHADER_ICD" ]; then missing+=(chromium); fi
for package in python3-torch python3-numpy; do
  if ! dpkg -s "$package" >/dev/null 2>&1; then missing+=("$package"); fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: libvulkan1, chromium (SwiftShader), python3-torch and python3-numpy are already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: missing ${missing[*]}; this script installs them with apt-get (Debian). Elsewhere install a Vulkan driver for your GPU, or SwiftShader." >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]}; run this script as root (or install sudo)" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi

echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"

if [ ! -e "$SWIFTSHADER_ICD" ]; then
  echo "setup: warning: $SWIFTSHADER_ICD is still missing; without a GPU Vulkan driver WebGPU will not be available" >&2
fi
