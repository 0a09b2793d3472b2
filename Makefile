# The two commands of the README: `make parity` and `make test`.
# Both create .venv on first use (Python >= 3.11 and nothing else needed: no Graphviz).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# torch's CPU build where there is no NVIDIA GPU (PyPI's Linux torch brings CUDA's
# libraries, gigabytes of them); `make test TORCH_INDEX=` installs PyPI's torch instead
TORCH_INDEX ?= $(if $(shell command -v nvidia-smi 2>/dev/null),,https://download.pytorch.org/whl/cpu)
PIP_TORCH := $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)

.PHONY: parity test fuzz bench docs tutorials venv clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]' $(PIP_TORCH)
	touch $(STAMP)

venv: $(STAMP)

parity: $(STAMP)      ## the side-by-side report: every case under torch and autodiff
	$(PY) -m parity_tests

test: $(STAMP)        ## the whole suite (parity cases, rules, tutorials, docs build, types)
	$(PY) -m pytest -n 2 -q

fuzz: $(STAMP)        ## long differential fuzzing against torch
	$(PY) -m parity_tests --fuzz 20000

bench: $(STAMP)       ## benchmarks (figures in benchmarks/results/)
	$(PY) -m benchmarks $(ARGS)

docs: $(STAMP)        ## the documentation site, in docs/_build/html
	$(PY) -m sphinx -b html docs docs/_build/html

tutorials: $(STAMP)   ## open the tutorials in Jupyter Lab
	$(PY) -m pip install -q -e '.[lab]'
	$(VENV)/bin/jupyter lab tutorials/

clean:
	rm -rf $(VENV) build *.egg-info docs/_build
