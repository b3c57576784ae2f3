# The two set-up commands. Each creates what it needs on a fresh machine (Python 3 + make).
PYTHON ?= python3
VENV := .venv
VENV23 := .venv-oc23
PY := $(VENV)/bin/python
# Installs go through uv (itself installed with pip into each venv): it resolves the same
# versions as pip, ~8x faster, which keeps `make test` on a fresh machine within budget.
# --compile-bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set, nothing else writes
# the .pyc files, and every process the tests start (Ray's workers...) would compile again.
UV_INSTALL = $(1)/bin/python -m pip install -q uv && $(1)/bin/uv pip install -q --compile-bytecode --python $(1)/bin/python
# An editable install leaves src/ to the import system, which (with PYTHONDONTWRITEBYTECODE)
# would compile hydria again in every process (~45 ms each): compile it once here. A .pyc
# records its source's mtime and size, so an edited module is recompiled, never run stale.
COMPILE_SRC = $(1)/bin/python -m compileall -q src

# The tests that share an engine (a SLURM cluster, a Ray head node, the tracking
# libraries) stay together on one worker, so each engine starts once. The first pass
# waits on engines and processes much of the time (with three workers and the second
# pass beside it, 2 cores were 1.55 busy): four workers, with the second pass, the lint
# and the type check beside it (see `test`).
XDIST := -n 4 --dist loadgroup
XDIST23 := -n 1
# The second pass checks OmegaConf 2.3; the launchers' tests (real Ray, SLURM, worker
# processes), the kill and lock tests, the trackers' (wandb, MLflow) and the real shells'
# tab completion exercise processes and engines, not OmegaConf, and run once, in the first pass.
ENGINE_TESTS := --ignore=tests/launchers --ignore=tests/sweeps/test_sweep_ownership.py \
	--ignore=tests/tracking --ignore=tests/examples/test_tracking_example.py \
	--ignore=tests/completion_shells --ignore=tests/sweepers/test_optuna_sweeps.py \
	--ignore=tests/sweeps/test_streamed_sweeps.py

.PHONY: demo test lint typecheck unit unit-oc23 checks-then-oc23 clean slurm-packages \
	shell-packages system-packages environments

# The SLURM tests start a real one-node cluster (with accounting) from these Debian
# packages. Once they are installed, the tests run with HYDRIA_REQUIRE_SLURM=1: a
# cluster that fails to start is then a failure, never a skip.
SLURM_PACKAGES := slurmctld slurmd slurm-client munge slurmdbd mariadb-server
SLURM_MISSING = for p in $(SLURM_PACKAGES); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done
REQUIRE_SLURM = if [ -z "$$($(SLURM_MISSING))" ]; then export HYDRIA_REQUIRE_SLURM=1; fi

# The tab-completion tests press Tab in real bash, zsh and fish, each on a tmux terminal.
# Once these are installed, a missing shell is a failure (HYDRIA_REQUIRE_SHELLS=1).
SHELL_PACKAGES := bash zsh fish tmux
SHELL_MISSING = for p in $(SHELL_PACKAGES); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done
REQUIRE_SHELLS = if [ -z "$$($(SHELL_MISSING))" ]; then export HYDRIA_REQUIRE_SHELLS=1; fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call UV_INSTALL,$(VENV)) -e '.[dev]' 'omegaconf>=2.4'
	$(call COMPILE_SRC,$(VENV))
	touch $@

# A real Hydra plugin package for the tests of plugin config groups, installed into its
# own directory without hydra-core (its dependency): those tests put it on PYTHONPATH.
PLUGIN_PKGS := .plugin-pkgs
$(PLUGIN_PKGS)/.installed: $(VENV)/.installed
	$(PY) -m pip install -q --no-deps --upgrade --target $(PLUGIN_PKGS) 'hydra-colorlog==1.2.0'
	touch $@

$(VENV23)/.installed: pyproject.toml
	test -x $(VENV23)/bin/python || $(PYTHON) -m venv $(VENV23)
	$(call UV_INSTALL,$(VENV23)) -e '.[dev]' 'omegaconf==2.3.*'
	$(call COMPILE_SRC,$(VENV23))
	touch $@

# What the tour runs needs only the joblib launcher and the two trackers: not the dev
# tools, ray or submitit. Its own stamp, so that `make test` still installs `dev`.
$(VENV)/.demo-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call UV_INSTALL,$(VENV)) -e '.[joblib,wandb,mlflow]'
	$(call COMPILE_SRC,$(VENV))
	touch $@

demo: $(VENV)/.demo-installed
	$(PY) examples/tour.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# Installs the missing Debian packages the variable $(1) lists, as root where apt-get
# exists; elsewhere it says what is missing ($(2), the tests that need them, are then skipped).
define install_missing
@missing="$$($($(1)))"; \
if [ -z "$$missing" ]; then exit 0; fi; \
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	echo "Installing for $(2):" $$missing; \
	apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $$missing; \
else \
	echo "Not installed:" $$missing "($(2) will be skipped)"; \
fi
endef

slurm-packages:
	$(call install_missing,SLURM_MISSING,the SLURM tests)

shell-packages:
	$(call install_missing,SHELL_MISSING,the tab-completion tests of those shells)

unit: $(VENV)/.installed $(PLUGIN_PKGS)/.installed slurm-packages shell-packages
	$(PY) -c "import omegaconf; print('omegaconf', omegaconf.__version__)"
	$(REQUIRE_SLURM); $(REQUIRE_SHELLS); $(PY) -m pytest $(XDIST) --durations=25

unit-oc23: $(VENV23)/.installed $(PLUGIN_PKGS)/.installed slurm-packages
	$(VENV23)/bin/python -c "import omegaconf; print('omegaconf', omegaconf.__version__)"
	$(REQUIRE_SLURM); $(VENV23)/bin/python -m pytest -p no:cacheprovider $(XDIST23) $(ENGINE_TESTS)

# The set-up first: the Debian packages beside the Python environments (apt waits on
# the network and dpkg, uv on the network and the disk), the environments one at a time
# (each editable install writes the same src/hydria.egg-info). Then two lines at once:
# the first pass (OmegaConf 2.4, engines included), and the lint, the type check and the
# second pass (OmegaConf 2.3) one after the other. Each line's output is shown whole when
# it ends (-O); make fails if either fails. The times say where a slow run spent its.
test:
	@date +'[make test] %T set-up'
	$(MAKE) --no-print-directory -j 2 -O system-packages environments
	@date +'[make test] %T tests'
	$(MAKE) --no-print-directory -j 2 -O unit checks-then-oc23
	@date +'[make test] %T done'

system-packages:
	$(MAKE) --no-print-directory slurm-packages
	$(MAKE) --no-print-directory shell-packages

environments:
	$(MAKE) --no-print-directory $(VENV)/.installed
	$(MAKE) --no-print-directory $(VENV23)/.installed
	$(MAKE) --no-print-directory $(PLUGIN_PKGS)/.installed

checks-then-oc23:
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory typecheck
	$(MAKE) --no-print-directory unit-oc23

clean:
	rm -rf $(VENV) $(VENV23) $(PLUGIN_PKGS) .pytest_cache .mypy_cache .ruff_cache
