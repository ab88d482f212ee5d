#!/usr/bin/env bash
# Lints the generated OpenAPI document with the Italian API guidelines ruleset (ModI, "Italian Guidelines
# Full", the profile PDND requires with zero errors). The ruleset stays in ../shared (AGPL, test data).
set -euo pipefail
cd "$(dirname "$0")/.."
ruleset=../shared/conformance/api-oas-checker/spectral.yml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DATA_DIR="$work/data" PUBLIC_URL=https://localhost LOG_LEVEL=warn node bin/convergenza.js openapi > "$work/openapi.json"
npx spectral lint "$work/openapi.json" --ruleset "$ruleset" --fail-severity error
