#!/usr/bin/env bash
# Install the course into .venv/ and open JupyterLab on the welcome notebook.
#   ./start-course.sh             learners (then open the link JupyterLab prints, if no browser opens)
#   ./start-course.sh --trainer   trainers: install the trainer tools (ssr-trainer) as well, then say what to run
# Other options go to JupyterLab, for example: ./start-course.sh --port=8899 --no-browser
set -euo pipefail
cd "$(dirname "$0")"
repo="$PWD"

trainer=no
if [ "${1:-}" = "--trainer" ]; then
    trainer=yes
    shift
    if [ "$#" -gt 0 ]; then
        echo "--trainer takes no other options." >&2
        exit 2
    fi
fi
for arg in "$@"; do
    case "$arg" in
        --ip|--ip=*|--ServerApp.ip|--ServerApp.ip=*)
            echo "The course's JupyterLab listens on 127.0.0.1 (this computer) only; leave out '$arg'." >&2
            exit 2 ;;
    esac
done

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
        echo "The course needs Python 3.10 or newer as '$python' (set PYTHON=/path/to/python3 to choose one)." >&2
        exit 1
    fi
    echo "Creating the virtual environment .venv/ ..."
    if ! "$python" -m venv .venv; then
        rm -rf .venv  # half made: the next try starts clean
        echo "Could not create .venv/ (on Debian or Ubuntu, install the package python3-venv first)." >&2
        exit 1
    fi
fi

if [ "$trainer" = yes ]; then
    echo "Installing the course and the trainer tools (first time: a few minutes) ..."
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[trainer]'
    cat <<'EOF'

The trainer tools are installed in .venv/. Next:
  . .venv/bin/activate            # once per terminal
  ssr-trainer --help              # every trainer command; the cohort workflow is in grader/TRAINER_GUIDE.md
  (cd grader && jupyter lab)      # nbgrader's Formgrader (menu Nbgrader -> Formgrader) to mark the open question
Learners' side: ./start-course.sh (without --trainer) opens the course as a learner sees it.
EOF
    exit 0
fi

echo "Installing the course (first time: a few minutes) ..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .

# No news or update pop-ups over the notebook.
settings=".venv/share/jupyter/lab/settings"
mkdir -p "$settings"
cp binder/overrides.json "$settings/overrides.json"

# The learner's JupyterLab, as on Binder: nbgrader's learner parts only (no Create Assignment panel, no
# Formgrader or Courses), set in jupyter-config/learner/ for this launch alone. The trainer's own
# `jupyter lab` in grader/ does not read that folder and keeps the Formgrader.
export JUPYTER_CONFIG_PATH="$repo/jupyter-config/learner${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"

# The course's own notebooks (the sections and the practice quiz) are marked trusted (signed with this user's
# Jupyter key), so the course's small JupyterLab extension (jupyter-config/labextensions/) runs their cells when
# they open: the exercises appear without "Run All Cells". Other notebooks (the end-of-course quiz, a notebook
# from anywhere else) never run by themselves.
if ! .venv/bin/jupyter trust notebooks/[0-9][0-9]_*.ipynb notebooks/quiz/practice_quiz.ipynb notebooks/fr/[0-9][0-9]_*.ipynb notebooks/fr/quiz/practice_quiz.ipynb >/dev/null 2>&1; then
    echo "Could not mark the course notebooks as trusted: in each section, use Run -> Run All Cells." >&2
fi

lab_args=()
if [ "$(id -u)" = 0 ]; then
    echo "You are running as root (as in many containers, cloud VMs and WSL): starting JupyterLab with --allow-root."
    lab_args+=(--allow-root)
fi

echo "Starting JupyterLab on 127.0.0.1 (this computer only). Stop it with Ctrl+C."
cd notebooks
# (${lab_args[@]+...}: an empty list is fine under set -u in the bash 3.2 of macOS too)
exec ../.venv/bin/jupyter lab --ip=127.0.0.1 ${lab_args[@]+"${lab_args[@]}"} \
    --LabApp.extra_labextensions_path="$repo/jupyter-config/labextensions" \
    00_welcome.ipynb "$@"
