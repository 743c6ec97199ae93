#!/usr/bin/env bash
# Install the course into .venv/ and open JupyterLab on the welcome notebook.
#   ./start-course.sh            (then open the link JupyterLab prints, if no browser opens)
set -euo pipefail
cd "$(dirname "$0")"

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtual environment .venv/ ..."
    "$python" -m venv .venv
fi
echo "Installing the course (first time: a few minutes) ..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .

# No news or update pop-ups over the notebook.
settings=".venv/share/jupyter/lab/settings"
mkdir -p "$settings"
cp binder/overrides.json "$settings/overrides.json"

cd notebooks
exec ../.venv/bin/jupyter lab --ip=127.0.0.1 00_welcome.ipynb "$@"
