# Charter: all set-up on a fresh Debian/Ubuntu machine is behind two commands.
#   make run   - create .venv if missing, install Charter, open the desktop app
#   make test  - also install the test extras and a PostgreSQL server, then run everything
# System packages are installed with apt when running as root (as CI does); otherwise
# the one command to run is printed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(if $(filter 0,$(shell id -u)),,sudo )
AS_ROOT := $(filter 0,$(shell id -u))

.PHONY: run test bench screenshots lint system-test-deps qt-runtime xvfb clean

run: $(VENV)/.installed qt-runtime
	$(BIN)/python -m app $(if $(PROJECT),$(PROJECT),--demo)

test: $(VENV)/.installed-test qt-runtime system-test-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# Speed and memory, measured against a bare-library floor in the same run (not part of `make test`).
bench: $(VENV)/.installed-test
	$(BIN)/python -m tests.benchmarks.import_docx
	$(BIN)/python -m tests.benchmarks.core
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks.gui

# PNGs of the main window on the demo study, a coded transcript, the import wizard and
# the search pane, taken in a real X server (Xvfb), into screenshots/ (git-ignored).
screenshots: $(VENV)/.installed-test qt-runtime xvfb
	xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" $(BIN)/python -m tests.screenshots screenshots

# Xvfb plus the X11 libraries Qt's xcb platform plugin loads.
XVFB_PKGS := xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 fonts-dejavu-core
xvfb:
	@command -v xvfb-run >/dev/null 2>&1 && dpkg -s libxcb-cursor0 libxkbcommon-x11-0 >/dev/null 2>&1 || { \
	  if [ -n "$(AS_ROOT)" ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends $(XVFB_PKGS); \
	  else echo "Screenshots need Xvfb. Run: $(SUDO)apt-get install -y $(XVFB_PKGS)"; exit 1; fi; }

lint: $(VENV)/.installed-test
	$(BIN)/lint-imports

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Charter needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=...)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ -n "$(AS_ROOT)" ]; then apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Python's venv module is missing. Run: $(SUDO)apt-get install -y python3-venv"; exit 1; fi; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

# Qt's offscreen and xcb platforms need a few shared libraries that slim images lack.
QT_LIBS := libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3
qt-runtime: $(BIN)/python
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -c 'from PySide6 import QtWidgets' 2>/dev/null || { \
	  if [ -n "$(AS_ROOT)" ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends $(QT_LIBS); \
	  else echo "Qt needs system libraries. Run: $(SUDO)apt-get install -y $(QT_LIBS)"; exit 1; fi; }

# The tests start their own throwaway PostgreSQL cluster; they need the server binaries.
system-test-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ -n "$(AS_ROOT)" ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; \
	  else echo "The tests need the PostgreSQL server. Run: $(SUDO)apt-get install -y postgresql"; exit 1; fi; }

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info build
