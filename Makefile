# The one entry point for people, CI and GitHub workflows.
#   make serve   set up, build and serve on http://127.0.0.1:8000/kb/
#   make test    set up (browser included) and run every test
#   make validate [FORMAT=github]   check data/ (GitHub annotations with FORMAT=github)
#   make fix     apply the validator's text fixes in place, then validate
#   make new KIND=method NAME=三步调解法 [STUDIO=id] [ID=slug]   start a record from a template
#   make editor  the web editor with a local backend on http://localhost:8000/kb/admin/ (writes into data/)
#   make linkcheck   check the external links of the built site (network)
#   make bench-scale N=1000   build a generated project of N methods and measure it (data/benchmark/)
VENV    ?= .venv
PYTHON  := $(VENV)/bin/python
MKDOCS  := NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs
STAMP   := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
# Front-end packages (the web editor's Decap CMS), pinned in package-lock.json, copied into the site at build time.
NODE_STAMP := node_modules/.installed-$(shell sha1sum package-lock.json | cut -c1-12)

.PHONY: setup editor browser validate fix new schema build paths serve serve-both test bench bench-scale clean linkcheck preview-bundle preview-pr preview-publish preview-comment

setup: $(STAMP) $(NODE_STAMP)

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# Headless Chromium and CJK fonts from Debian, for the browser tests.
browser:
	@bash scripts/install-browser.sh

validate: setup
	$(PYTHON) -m scripts.validate $(if $(FORMAT),--format $(FORMAT))

fix: setup
	$(PYTHON) -m scripts.validate --fix

new: setup
	$(PYTHON) -m scripts.new $(KIND) "$(NAME)" $(if $(STUDIO),--studio $(STUDIO)) $(if $(ID),--id $(ID))

schema: setup
	$(PYTHON) -m scripts.schema

# Both editions in one build (hooks/editions.py writes the Traditional one into zh-Hant/ from the
# Simplified output) into a temporary folder under build/; site/ is replaced only when it succeeds,
# so a failed build leaves the last good site in place.
BUILD_TMP := build/tmp
build: setup
	@rm -rf $(BUILD_TMP) && mkdir -p $(BUILD_TMP)
	@$(MKDOCS) build --strict -d $(BUILD_TMP)/site || { rm -rf $(BUILD_TMP); echo "构建失败，site/ 保留上一次成功的构建" >&2; exit 1; }
	@rm -rf build/site.old; if [ -d site ]; then mv site build/site.old; fi
	@mv $(BUILD_TMP)/site site && rm -rf build/site.old $(BUILD_TMP)

# Record the built site's pages and anchors in data/published-paths.txt (never removes one).
paths: build
	$(PYTHON) -m scripts.published_paths

serve: build
	$(MKDOCS) serve --strict -a 127.0.0.1:8000

# The web editor on this machine: decap-server (the CMS's local backend, port 8081) writes
# straight into data/ and docs/; open http://localhost:8000/kb/admin/ (localhost, not 127.0.0.1).
editor: setup
	trap 'kill 0' EXIT; node node_modules/decap-server/dist/index.js & $(MKDOCS) serve --strict -a 127.0.0.1:8000

# Both editions as published (site/, site/zh-Hant/), no reload, on http://127.0.0.1:8002/
serve-both: build
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory site 8002

test: setup browser
	$(PYTHON) -m pytest

# External links of the built site; CI runs it in a separate job that may fail without blocking.
linkcheck: setup
	$(PYTHON) -m scripts.check_external_links site

# Pull-request previews: the PR workflow bundles the built site, a separate workflow_run job
# finds the PR of the triggering run and publishes the bundle (see .github/workflows/preview.yml);
# publish and comment read PR_NUMBER, PREVIEW_REMOTE (a git URL with its token) and PREVIEW_BASE_URL from the environment.
preview-bundle:
	python3 -m scripts.publish_preview bundle --site site --out preview

preview-pr:
	python3 -m scripts.publish_preview pr

preview-publish:
	python3 -m scripts.publish_preview publish --bundle preview

preview-comment:
	python3 -m scripts.publish_preview comment

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
