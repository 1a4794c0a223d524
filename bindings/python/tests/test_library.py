"""Loading the library, the ABI check, and the prototypes of every C function."""

import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import clickref
from clickref import _native

from conftest import HEADER

PACKAGE_DIR = Path(clickref.__file__).resolve().parent


def header_functions():
    """name -> number of parameters, for every CLICKREF_API function of clickref.h."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    functions = {}
    for match in re.finditer(r"CLICKREF_API\b[^;(]*?\b(clickref_\w+)\s*\(([^)]*)\)\s*;", text):
        params = match.group(2).strip()
        functions[match.group(1)] = 0 if params in ("", "void") else params.count(",") + 1
    return functions


def test_every_c_function_is_declared_with_its_arity():
    functions = header_functions()
    assert len(functions) == 25
    assert set(functions) == set(_native.PROTOTYPES)
    for name, arity in functions.items():
        function = getattr(_native.lib, name)
        assert function.argtypes is not None and len(function.argtypes) == arity, name
        assert function.restype is _native.PROTOTYPES[name][0], name


def test_status_enum_matches_the_header():
    text = HEADER.read_text()
    in_header = {f"CLICKREF_{m.group(1)}": int(m.group(2))
                 for m in re.finditer(r"\bCLICKREF_(OK|E_\w+) = (\d+)", text)}
    assert {f"CLICKREF_{s.name}": s.value for s in clickref.Status} == in_header


@pytest.mark.parametrize("prefix, enum", [
    ("CONVERSION", clickref.ConversionStatus), ("CLICK_ID", clickref.ClickIdSource),
    ("EFFECT", clickref.ConversionEffect), ("RECURRENCE", clickref.Recurrence),
])
def test_conversion_enums_match_the_header(prefix, enum):
    text = HEADER.read_text()
    in_header = {m.group(1): int(m.group(2)) for m in re.finditer(rf"\bCLICKREF_{prefix}_(\w+) = (\d+)", text)}
    assert {member.name: member.value for member in enum} == in_header


def test_conversion_record_matches_the_header():
    """The fields of clickref_conversion, in order, with the ctypes type of each C type."""
    body = re.search(r"typedef struct clickref_conversion \{(.*?)\} clickref_conversion;", HEADER.read_text(), re.S)
    ctypes_of = {"clickref_str": _native.Str, "int64_t": ctypes.c_int64, "int32_t": ctypes.c_int32}
    fields = []
    for c_type, names in re.findall(r"(\w+) ([^;]*);", re.sub(r"/\*.*?\*/", "", body.group(1), flags=re.S)):
        fields += [(name.strip(), ctypes_of[c_type]) for name in names.split(",")]
    assert _native.ConversionRecord._fields_ == fields


def test_abi_version():
    assert _native.lib.clickref_abi_version() == clickref.ABI_VERSION == 2


def test_library_version_matches_the_header():
    text = HEADER.read_text()
    parts = [re.search(rf"#define CLICKREF_VERSION_{p} (\d+)", text).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    assert clickref.library_version == ".".join(parts)
    assert clickref.__version__ == clickref.library_version


def test_status_names_and_messages():
    for status in clickref.Status:
        assert _native.lib.clickref_status_name(status) == f"CLICKREF_{status.name}".encode()
        assert _native.lib.clickref_status_message(status).endswith(b".")
    assert _native.lib.clickref_status_name(9999) == b"CLICKREF_E_UNKNOWN"
    assert _native.lib.clickref_status_message(-1)


def test_a_different_abi_is_refused_with_a_clear_message():
    class FakeFunction:
        def __call__(self):
            return 1

    class FakeLibrary:
        _name = "/opt/old/libclickref.so.1"
        clickref_abi_version = FakeFunction()

    with pytest.raises(ImportError, match=r"/opt/old/libclickref.so.1 has ABI version 1, but this package needs "
                                          r"ABI version 2"):
        _native._declare(FakeLibrary())


def import_in_subprocess(env_library, package_parent):
    env = dict(os.environ, PYTHONPATH=str(package_parent), PYTHONDONTWRITEBYTECODE="1")
    env.pop("CLICKREF_LIBRARY", None)
    if env_library is not None:
        env["CLICKREF_LIBRARY"] = env_library
    return subprocess.run([sys.executable, "-c", "import clickref; print(clickref._native.lib._name)"],
                          env=env, cwd=package_parent, capture_output=True, text=True)


def test_clickref_library_names_a_missing_file():
    run = import_in_subprocess("/nonexistent/libclickref.so", PACKAGE_DIR.parent)
    assert run.returncode != 0
    assert "could not load libclickref" in run.stderr and "/nonexistent/libclickref.so" in run.stderr


def test_a_library_that_is_not_clickref_is_refused():
    libc = ctypes.util.find_library("c")
    run = import_in_subprocess(libc, PACKAGE_DIR.parent)
    assert run.returncode != 0
    assert "is not libclickref" in run.stderr


def test_a_library_shipped_next_to_the_package_is_found(tmp_path):
    shutil.copytree(PACKAGE_DIR, tmp_path / "clickref", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.environ["CLICKREF_LIBRARY"], tmp_path / "clickref" / "libclickref.so.2")
    run = import_in_subprocess(None, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(tmp_path / "clickref" / "libclickref.so.2")


def test_pip_installs_the_package_offline_with_the_library_inside(tmp_path):
    if not all(importlib.util.find_spec(m) for m in ("pip", "setuptools")):  # found, not imported: importing
        pytest.skip("needs pip and setuptools (python3-pip)")              # setuptools here upsets distutils
    source = tmp_path / "source"  # a copy: building in place would leave build/ and *.egg-info in the checkout
    shutil.copytree(PACKAGE_DIR.parent, source, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(os.environ["CLICKREF_LIBRARY"], source / "clickref" / "libclickref.so.2")
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-index",
                          "--no-deps", "--target", str(tmp_path / "site"), str(source)],
                         env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"), capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr
    run = import_in_subprocess(None, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(tmp_path / "site" / "clickref" / "libclickref.so.2")
