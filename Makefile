# The two commands of README.md: `make run` and `make test`.
# Each installs what it needs, so both work on a fresh clone.
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo's public address: links in its e-mails, PDFs and QR codes point
# here, and other host names are refused (400) except TRUSTED_HOSTS.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
TRUSTED_HOSTS   ?= localhost

.PHONY: run test lint catalog extract system-deps clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

catalog: $(STAMP)
	$(VENV)/bin/pybabel compile -d portal/translations -D "messages admin wtforms" >/dev/null

# Every msgid the code and templates show, with its pgettext context, into
# var/messages.pot (to see what messages.po still lacks). The keywords are
# those tests/test_i18n.py reads with: a word with two meanings goes through
# pgettext / lazy_pgettext with a context for each.
extract: $(STAMP)
	mkdir -p var
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 \
		-o var/messages.pot .

system-deps:
	bash scripts/system-deps.sh

run: export PUBLIC_BASE_URL := $(PUBLIC_BASE_URL)
run: export TRUSTED_HOSTS := $(TRUSTED_HOSTS)
run: $(STAMP) catalog system-deps
	$(FLASK) db upgrade
	$(FLASK) demo
	@# The worker runs the periodic jobs (outbox retries, the daily digest,
	@# next year's holidays); the web process still sends at once by itself.
	$(FLASK) jobs worker --workers 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# The lint (ruff, and import-linter's contracts in .importlinter), then the
# whole suite twice: on the embedded SQLite default, then on a private
# PostgreSQL server the tests start from Debian's packages.
test: $(STAMP) catalog system-deps
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n 2 --database=sqlite $(PYTEST_ARGS)
	$(PY) -m pytest -n 2 --database=postgresql $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance var .pytest_cache
