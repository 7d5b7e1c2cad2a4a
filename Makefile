# The one entry point for people, CI and GitHub workflows.
#   make serve   set up, build and serve on http://127.0.0.1:8000
#   make test    set up (browser included) and run every test
VENV    ?= .venv
PYTHON  := $(VENV)/bin/python
MKDOCS  := NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs
STAMP   := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: setup browser validate schema build serve test bench clean

setup: $(STAMP)

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# Headless Chromium and CJK fonts from Debian, for the browser tests.
browser:
	@bash scripts/install-browser.sh

validate: setup
	$(PYTHON) -m scripts.validate

schema: setup
	$(PYTHON) -m scripts.schema

build: setup
	$(MKDOCS) build --strict

serve: build
	$(MKDOCS) serve --strict -a 127.0.0.1:8000

test: setup browser
	$(PYTHON) -m pytest

clean:
	rm -rf site $(VENV)

# Search benchmark (not a test): ours vs Material's lunr vs Pagefind, real and generated sites.
bench: setup browser
	$(PYTHON) -m scripts.bench_search
