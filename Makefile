# The one entry point for people, CI and GitHub workflows.
#   make serve   set up, build and serve on http://127.0.0.1:8000/kb/
#   make test    set up (browser included) and run every test
#   make validate [FORMAT=github] [EVIDENCE=1]   check data/ (GitHub annotations with FORMAT=github;
#                                   EVIDENCE=1 also lists new or changed statements beside their quotes)
#   make fix     apply the validator's text fixes in place, then validate
#   make new KIND=method NAME=三步调解法 [STUDIO=id] [ID=slug]   start a record from a template
#   make editor  the web editor with a local backend on http://localhost:8000/kb/admin/ (writes into data/)
#   make linkcheck   check the external links of the built site (network)
#   make bench-scale N=1000   build a generated project of N methods and measure it (data/benchmark/)
#   make lock    rewrite the hash-pinned lock files requirements/*.txt from requirements/*.in
VENV    ?= .venv
PYTHON  := $(VENV)/bin/python
# As a module, so that this checkout's kb_build/ is the plugin that runs (the folder comes first on
# sys.path), whichever checkout the venv's editable install names.
MKDOCS  := NO_MKDOCS_2_WARNING=1 $(PYTHON) -m mkdocs
# Python packages, locked with the hash of every file in requirements/*.txt (make lock): building
# needs build.txt, which is all the deploy installs; tests and benchmarks add test.txt (which holds
# build.txt's pins). A stamp per lock file: a changed lock file installs again.
BUILD_STAMP := $(VENV)/.installed-build-$(shell cat requirements/sdist.txt requirements/build.txt | sha1sum | cut -c1-12)
TEST_STAMP  := $(VENV)/.installed-test-$(shell cat requirements/sdist.txt requirements/test.txt | sha1sum | cut -c1-12)
PIP_INSTALL := $(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes
# Front-end packages (the web editor's Decap CMS), pinned in package-lock.json, copied into the site
# at build time; none needs an install script, and none may run one.
NODE_STAMP := node_modules/.installed-$(shell sha1sum package-lock.json | cut -c1-12)

.PHONY: setup setup-build lock editor browser validate fix new schema build paths serve serve-both test bench bench-scale clean linkcheck preview-bundle preview-pr preview-publish preview-comment

setup: $(TEST_STAMP) $(NODE_STAMP)

setup-build: $(BUILD_STAMP) $(NODE_STAMP)

$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# $(call python_packages,LOCK FILE): the venv with that lock file's packages. jieba is published
# only as source: it is built with sdist.txt's pinned setuptools, not one pip would fetch unchecked.
# Then the project itself (pyproject.toml), editable, nothing fetched: MkDocs finds the build's
# plugin kb (kb_build/) by its entry point.
define python_packages
	python3 -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/sdist.txt
	$(PIP_INSTALL) --no-build-isolation -r $(1)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --no-index -e .
endef

$(BUILD_STAMP): requirements/sdist.txt requirements/build.txt pyproject.toml
	$(call python_packages,requirements/build.txt)
	rm -f $(VENV)/.installed-build-* && touch $@

$(TEST_STAMP): requirements/sdist.txt requirements/test.txt pyproject.toml
	$(call python_packages,requirements/test.txt)
	rm -f $(VENV)/.installed-* && touch $@ $(BUILD_STAMP)

# uv, itself hash-pinned in lock.txt, writes each .txt from its .in with the hashes of every file
# the package index lists for each version, for the oldest Python the pins allow; pins that still
# fit are kept (delete a package's lines from a .txt to let it move).
LOCK_VENV  := build/lock-venv
UV_COMPILE := $(LOCK_VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11.5
lock:
	python3 -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	for name in lock sdist build; do $(UV_COMPILE) requirements/$$name.in -o requirements/$$name.txt || exit 1; done
	$(UV_COMPILE) requirements/test.in -c requirements/build.txt -o requirements/test.txt

# Headless Chromium and CJK fonts from Debian, for the browser tests.
browser:
	@bash scripts/install-browser.sh

# ruff and mypy as configured in pyproject.toml; tests/test_code_quality.py runs the same in make test.
.PHONY: lint
lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/mypy

validate: setup-build
	$(PYTHON) -m scripts.validate $(if $(FORMAT),--format $(FORMAT)) $(if $(EVIDENCE),--evidence)

fix: setup-build
	$(PYTHON) -m scripts.validate --fix

new: setup-build
	$(PYTHON) -m scripts.new $(KIND) "$(NAME)" $(if $(STUDIO),--studio $(STUDIO)) $(if $(ID),--id $(ID))

schema: setup-build
	$(PYTHON) -m scripts.schema

# Both editions in one build (kb_build/editions.py writes the Traditional one into zh-Hant/ from the
# Simplified output) into a temporary folder under build/; site/ is replaced only when it succeeds,
# so a failed build leaves the last good site in place.
BUILD_TMP := build/tmp
build: setup-build
	@rm -rf $(BUILD_TMP) && mkdir -p $(BUILD_TMP)
	@$(MKDOCS) build --strict -d $(BUILD_TMP)/site || { rm -rf $(BUILD_TMP); echo "构建失败，site/ 保留上一次成功的构建" >&2; exit 1; }
	@rm -rf build/site.old; if [ -d site ]; then mv site build/site.old; fi
	@mv $(BUILD_TMP)/site site && rm -rf build/site.old $(BUILD_TMP)

# Record the built site's pages and anchors in data/published-paths.txt (never removes one);
# the full setup, as the script reads tests.conftest.
paths: setup build
	$(PYTHON) -m scripts.published_paths

# Live preview: after an edit of a page only that page is rendered again (kb_build/live_edit.py);
# LIVE_EDIT=0 rebuilds the whole site after every change.
LIVE_EDIT ?= 1
LIVE := $(if $(filter 1,$(LIVE_EDIT)),KB_LIVE_EDIT=true)
serve: build
	$(LIVE) $(MKDOCS) serve --strict $(if $(LIVE),--dirty) -a 127.0.0.1:8000

# The web editor on this machine: decap-server (the CMS's local backend, localhost:8081) behind
# scripts/editor.py's guard, on 127.0.0.1 only, for this site's pages only, writing only under
# data/ and docs/; open http://localhost:8000/kb/admin/ (localhost, not 127.0.0.1).
EDITOR_SITE := 127.0.0.1:8000
editor: setup-build
	trap 'kill 0' EXIT; $(PYTHON) -m scripts.editor --site $(EDITOR_SITE) & $(MKDOCS) serve --strict -a $(EDITOR_SITE)

# Both editions as published (site/, site/zh-Hant/), no reload, on http://127.0.0.1:8002/
serve-both: build
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory site 8002

# Tests in two processes (pytest-xdist; TEST_PROCESSES=0 runs them in this one): a browser test mostly
# waits for Chromium. Three were faster on this 2-core machine (285 s against 303 s) but made two browser
# tests fail now and then (a scroll, a search answer). Tests sharing an expensive module fixture are one
# xdist_group; the site is built once for all (tests/conftest.py).
TEST_PROCESSES ?= 2
PYTEST := $(PYTHON) -m pytest -n $(TEST_PROCESSES) --dist loadgroup --no-loadscope-reorder
test: setup browser
	$(PYTEST)

# The two halves of make test, as CI's parallel jobs run them on the site its build job made:
# KB_SITE_DIR=site make test-site (every test but the browser's), KB_SITE_DIR=site make test-browser.
.PHONY: test-site test-browser
test-site: setup
	$(PYTEST) -m "not browser"

test-browser: setup browser
	$(PYTEST) -m browser

# External links of the built site; CI runs it in a separate job that may fail without blocking.
linkcheck: setup
	$(PYTHON) -m scripts.check_external_links site

# Pull-request previews: the PR workflow bundles the built site, a separate workflow_run job
# finds the PR of the triggering run and publishes the bundle (see .github/workflows/preview.yml);
# preview-remove deletes a closed PR's preview (preview-remove.yml). They read PR_NUMBER,
# PREVIEW_REMOTE (the previews repository, no token in it), PREVIEW_TOKEN and PREVIEW_BASE_URL from the environment.
preview-bundle:
	python3 -m scripts.publish_preview bundle --site site --out preview

preview-pr:
	python3 -m scripts.publish_preview pr

preview-publish:
	python3 -m scripts.publish_preview publish --bundle preview

preview-comment:
	python3 -m scripts.publish_preview comment

.PHONY: preview-remove
preview-remove:
	python3 -m scripts.publish_preview remove

clean:
	rm -rf site build .cache $(VENV)

# Scale benchmark (not a test): N generated methods with proportional studios, mentors and sites,
# both editions and the same Markdown built by plain Material; the JSON feeds the 性能 page.
N ?= 1000
bench-scale: setup
	$(PYTHON) -m scripts.bench --methods $(N) --json data/benchmark/methods-$(N).json

# Search benchmark (not a test): ours vs Material's lunr vs Pagefind, real and generated sites.
bench: setup browser
	$(PYTHON) -m scripts.bench_search
