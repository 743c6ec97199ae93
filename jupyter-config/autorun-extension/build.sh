#!/usr/bin/env bash
# Rebuild the prebuilt extension ../labextensions/ssr-course-autorun/ from index.js.
# Needs node and npm, and the course's .venv (for jupyter-builder); learners need neither: the built files are
# committed. Built here with node 20, @jupyter/builder 1.2 and JupyterLab 4.6. The bundle's module ids change from
# one build to the next, so rebuild (and commit) only when index.js's code changes, not for a comment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv_bin="$here/../../.venv/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
cp "$here/package.json" "$here/index.js" "$work/src/"
cd "$work/src"
npm install --no-audit --no-fund --loglevel=error
PATH="$venv_bin:$PATH" jupyter-builder build .
rm -rf "$here/../labextensions/ssr-course-autorun"
mkdir -p "$here/../labextensions"
cp -r "$work/labextensions/ssr-course-autorun" "$here/../labextensions/"
echo "Built: jupyter-config/labextensions/ssr-course-autorun"
