# The two commands README gives: `make demo` and `make test`. Everything else is a step of theirs.
VENV      ?= .venv
PYTHON    ?= python3
VENV_BIN  := $(CURDIR)/$(VENV)/bin
# The Pulumi tools come first on PATH, then the virtualenv, so `pulumi` and `python3` are the ones set up here.
WITH_TOOLS = PATH="$$(scripts/bootstrap-pulumi --bin-dir):$(VENV_BIN):$$PATH"

.PHONY: all venv tools test test-fast lint demo docs generate dist clean bench bench-quick bench-fleet

all: test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV_BIN)/python -m pip install --quiet --upgrade pip
	$(VENV_BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## venv: the virtualenv with the package and its dev dependencies
venv: $(VENV)/.installed

## tools: the Pulumi CLI and Python language host (built from Go modules when none is installed)
tools:
	scripts/bootstrap-pulumi

## lint: ruff, mypy --strict, and the CI example workflow: actionlint (with shellcheck on its scripts) and zizmor
lint: venv
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/mypy --strict pulumi_pushsmm
	PATH="$(VENV_BIN):$$PATH" "$$(scripts/bootstrap-actionlint)" examples/ci/*.yml
	$(VENV_BIN)/zizmor --offline --persona pedantic examples/ci/*.yml

## test: everything — lint, type check, and the unit, integration and engine tests (pytest markers)
test: venv tools lint
	$(WITH_TOOLS) $(VENV_BIN)/python -m pytest

## test-fast: the quick subset while you work: the unit and integration tests (-m "not engine")
test-fast: venv
	$(VENV_BIN)/python -m pytest -m "not engine"

## demo: deploy the welcome series to the local emulator and show what it holds (KEEP=1: leave it running)
demo: venv tools
	$(WITH_TOOLS) PUSHSMM_DEMO_KEEP=$(KEEP) $(VENV_BIN)/python scripts/demo.py

## dist: the sdist and wheel in dist/ (python -m build)
dist: venv
	$(VENV_BIN)/python -m build --outdir dist .

clean:
	rm -rf .demo .pytest_cache .mypy_cache .ruff_cache build dist

## generate: regenerate what the schema table declares: pulumi_pushsmm/flow.py, sequence_args.py and README's Flow field reference
generate: venv
	$(VENV_BIN)/python scripts/gen_docs.py

## docs: the same as generate
docs: generate

## bench: time and count requests per Pulumi operation, Flow against a no-op baseline (N = 10, 100, 300; slow)
bench: venv tools
	$(VENV_BIN)/python -m pip install --quiet -e '.[bench]'
	$(WITH_TOOLS) $(VENV_BIN)/python benchmarks/run.py $(BENCH_ARGS)

## bench-quick: the same at N = 10 and 50, one repeat
bench-quick: BENCH_ARGS = --quick
bench-quick: bench

## bench-fleet: 3 stacks of 30 flows deployed at once on one key at 60 requests a minute (about 3 minutes)
bench-fleet: venv tools
	$(WITH_TOOLS) $(VENV_BIN)/python benchmarks/fleet.py $(BENCH_ARGS)
