# Two commands do everything on a fresh machine with Python 3.11 and pip:
#   make report   set up, write the demo workspace if missing, render the demo monthly report
#   make test     set up, run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ecolib-installed
DEMO := data/demo
MONTH ?= 2026-10
REPORT_LANG ?= en

LOCK := constraints.txt

.PHONY: setup report test lab demo clean bench lock

setup: $(STAMP)

# (Re)install when pyproject.toml or the lock changes, every dependency at the version pinned in
# constraints.txt; the kernel is registered inside the venv so a system-wide python3 kernel can
# never run the notebooks.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name ecolib --display-name "Python (ecolib)" >/dev/null
	@touch $(STAMP)

$(DEMO)/workspace.yaml: | $(STAMP)
	$(BIN)/ecolib demo $(DEMO)

demo: $(DEMO)/workspace.yaml

report: $(STAMP) $(DEMO)/workspace.yaml
	$(BIN)/ecolib report $(DEMO) --month $(MONTH) --lang $(REPORT_LANG)

test: $(STAMP)
	$(BIN)/python -m pytest

# JupyterLab on the project folder (notebooks/, data/ and reports/ in its file browser), opened at
# notebooks/. WORKSPACE and MONTH choose the workspace and month of every notebook
# (make lab WORKSPACE=data/biomed MONTH=2026-09; MONTH= for the latest): they are written to
# ecolib-lab.yaml, which the next make lab keeps and which can be edited while the lab runs.
# Saving never writes outputs into notebooks/ (the pre-save hook ecolib.notebook.strip_on_save).
# --allow-root only when run as root. More options: LAB_ARGS="--no-browser --port 8899".
LAB_FILE := ecolib-lab.yaml
given = $(filter command line environment,$(origin $(1)))

lab: $(STAMP) $(DEMO)/workspace.yaml
	@$(BIN)/python -m ecolib.notebook lab $(LAB_FILE) --default-workspace $(DEMO) \
	  $(if $(call given,WORKSPACE),--workspace "$(WORKSPACE)") $(if $(call given,MONTH),--month "$(MONTH)")
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks \
	  --ContentsManager.pre_save_hook=ecolib.notebook.strip_on_save $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Refresh the lock: a new virtual environment resolves the newest releases pyproject.toml allows
# (ecolib with its dev and bench extras) and constraints.txt becomes its pip freeze, under the
# file's comment lines. Then run make test on the new set before committing it.
LOCK_VENV := build/lock-venv

lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet ".[dev,bench]"
	{ grep '^#' $(LOCK); $(LOCK_VENV)/bin/python -m pip freeze --all --exclude pip --exclude-editable | grep -iv '^ecolib\b' | LC_ALL=C sort -f; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf $(LOCK_VENV)
	@echo "constraints.txt refreshed: git diff constraints.txt, then make test"

clean:
	rm -rf $(VENV) reports/demo reports/demo-* build *.egg-info

# Time each analysis function on a synthetic region (100k firms, 1M flows, 500 nodes) and
# report peak memory; smaller: make bench BENCH_ARGS="--firms 20000 --flows 200000". The report's
# size guard at full size (every page of the 100k-firm region's report under 10 MB; the tests
# check on two small regions that pages do not grow with the firm count):
#   make bench BENCH_ARGS="--report --flows 150000"
BENCH_STAMP := $(VENV)/.ecolib-bench-installed

$(BENCH_STAMP): pyproject.toml $(LOCK) | $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[dev,bench]"
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m ecolib.bench $(BENCH_ARGS)
