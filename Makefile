# The two set-up commands. Each creates what it needs on a fresh machine (Python 3 + make).
PYTHON ?= python3
VENV := .venv
VENV23 := .venv-oc23
PY := $(VENV)/bin/python

.PHONY: demo test lint typecheck unit unit-oc23 clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]' 'omegaconf>=2.4'
	touch $@

$(VENV23)/.installed: pyproject.toml
	test -x $(VENV23)/bin/python || $(PYTHON) -m venv $(VENV23)
	$(VENV23)/bin/python -m pip install -q --upgrade pip
	$(VENV23)/bin/python -m pip install -q -e '.[dev]' 'omegaconf==2.3.*'
	touch $@

demo: $(VENV)/.installed
	$(PY) examples/tour.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

unit: $(VENV)/.installed
	$(PY) -c "import omegaconf; print('omegaconf', omegaconf.__version__)"
	$(PY) -m pytest

unit-oc23: $(VENV23)/.installed
	$(VENV23)/bin/python -c "import omegaconf; print('omegaconf', omegaconf.__version__)"
	$(VENV23)/bin/python -m pytest -p no:cacheprovider

test: lint typecheck unit unit-oc23

clean:
	rm -rf $(VENV) $(VENV23) .pytest_cache .mypy_cache .ruff_cache
