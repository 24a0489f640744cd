"""Settings precedence, the docs that list them, and imports that configure nothing."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from support import ROOT

from search.cli import cli
from search.config import Settings
from search.errors import BadParameter


def test_flags_beat_environment_beat_file(tmp_path):
    config = tmp_path / "baoku.toml"
    config.write_text('index_dir = "from-file"\nport = 9000\n', "utf-8")
    env = {"BAOKU_CONFIG": str(config), "BAOKU_PORT": "9100"}
    assert Settings.load({}, env).index_dir == Path("from-file")
    assert Settings.load({}, env).port == 9100
    assert Settings.load({}, {**env, "BAOKU_INDEX": "from-env"}).index_dir == Path("from-env")
    assert Settings.load(
        {"index_dir": Path("flag")}, {**env, "BAOKU_INDEX": "x"}
    ).index_dir == Path("flag")


def test_bad_settings_are_clear_errors(tmp_path):
    with pytest.raises(BadParameter, match="port"):
        Settings.load({}, {"BAOKU_PORT": "zero", "BAOKU_CONFIG": str(tmp_path / "none")})


def test_every_setting_and_command_is_documented():
    """Each setting has its own row in the README's settings table, naming its variable."""
    readme = (ROOT / "README.md").read_text("utf-8")
    rows = {
        line.split("|")[1].strip(): line for line in readme.splitlines() if line.startswith("| `")
    }
    for setting in fields(Settings):
        row = rows.get(f"`{setting.name}`")
        assert row is not None, f"no settings-table row for {setting.name}"
        assert f"`BAOKU_{setting.name.upper()}`" in row, row
    for name, command in cli.commands.items():
        assert f"baoku {name}" in readme, name
        assert command.help, name


IMPORT_EVERY_MODULE = """
import logging, pkgutil, importlib, sys
import xml.etree.ElementTree as ET
import search
from whoosh.filedb.structfile import BufferFile
stock = BufferFile.__init__
namespaces = dict(ET._namespace_map)
for module in pkgutil.walk_packages(search.__path__, "search."):
    if module.name != "search.__main__":
        importlib.import_module(module.name)
print("jieba" in sys.modules, ET._namespace_map == namespaces, BufferFile.__init__ is stock)
print(logging.root.handlers)
"""


def test_importing_any_module_configures_nothing(tmp_path):
    """`create_app` and the CLI configure what they need; an import must not: it once
    started jieba (a DEBUG handler on its logger), registered Atom as the default
    XML namespace of every ElementTree in the process and replaced a Whoosh class's
    constructor (now done by the Whoosh engine when it is made)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert done.stdout.split() == ["False", "True", "True", "[]"], done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == [], "an import wrote files"
