# The two commands of the README: `make parity` and `make test`.
# Both create .venv on first use (Python >= 3.11 and nothing else needed).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: parity test fuzz venv clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

parity: $(STAMP)
	$(PY) -m parity_tests

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

fuzz: $(STAMP)
	$(PY) -m parity_tests --fuzz 20000

clean:
	rm -rf $(VENV) build *.egg-info
