# The one entry point for people, CI and GitHub workflows.
#   make serve   set up, build and serve on http://127.0.0.1:8000
#   make test    set up (browser included) and run every test
VENV    ?= .venv
PYTHON  := $(VENV)/bin/python
MKDOCS  := NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs
STAMP   := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: setup browser validate schema build serve serve-hant preview test bench clean

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

# Both editions: Simplified into site/, then Traditional into site/zh-Hant/
# (in this order: a build empties its own site_dir first).
build: setup
	$(MKDOCS) build --strict
	$(MKDOCS) build --strict -f mkdocs.zh-Hant.yml

serve: build
	$(MKDOCS) serve --strict -a 127.0.0.1:8000

# The Traditional edition alone, live-reloading, on http://127.0.0.1:8001/<site_url path>
# (e.g. /kb/; its edition switch leads to the Simplified edition, not served here).
serve-hant: setup
	$(MKDOCS) serve --strict -f mkdocs.zh-Hant.yml -a 127.0.0.1:8001

# Both editions as published (site/, site/zh-Hant/), no reload, on http://127.0.0.1:8002/
preview: build
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory site 8002

test: setup browser
	$(PYTHON) -m pytest

clean:
	rm -rf site $(VENV)
